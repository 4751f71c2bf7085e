// biome-ignore lint/correctness/noNodejsModules: this test reads the example scenario file on disk
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenarioSource } from "../deploy/scenario.ts";
import { applyOverrides } from "../spec/index.ts";
import { readSourceDocument } from "../spec/parse-document.ts";
import type { SearchPoint } from "./search.ts";
import { searchDeployments } from "./search.ts";
import { defaultSearchSpace } from "./search-space.ts";
import { CHECK_ROUNDS, simulateCheck } from "./simulate-check.ts";

const FILE = "examples/search-deepseek-r1-cloudmatrix384.yaml";
const text = readFileSync(new URL(`../../../../${FILE}`, import.meta.url), "utf8");
const doc = readSourceDocument(text, FILE);
const base = parseScenarioSource(doc);

describe("simulator re-check of a searched point", () => {
  // The winner's shape (attention TP2, EP over every die, overlap, MTP1) at a size the test can
  // simulate: 32 decode chips, 64 sequences each (2,048 closed-loop users, `CHECK_ROUNDS` requests each).
  const r = searchDeployments(doc, base, {
    space: {
      ...defaultSearchSpace(base),
      chipsPerInstance: [32],
      attentionTp: [2],
      denseFfnTp: ["attention"],
      moeTp: [1],
      batchPerChip: [64],
      microbatchOverlap: [true],
      mtpDraftTokens: [1],
    },
  });
  const point = r.points.find((p) => p.candidate.sharedReplicas === undefined);

  it("agrees with the step model within 10 % at steady state (the whole run includes ramp-up and drain)", () => {
    expect(point).toBeDefined();
    if (point === undefined) return;
    const users = 64 * 32;
    const scenario = parseScenarioSource(doc, undefined, {
      overrides: [
        ...point.overrides,
        { path: ["workload", "arrival"], value: { kind: "closed-loop", concurrency: users } },
        { path: ["workload", "requests"], value: CHECK_ROUNDS * users },
      ],
    });
    const check = simulateCheck(scenario, users, 32);
    expect(check.requests).toBe(CHECK_ROUNDS * users);
    expect(check.window.endS).toBeGreaterThan(check.window.startS);
    expect(Math.abs(check.tokensPerSPerChip / point.tokensPerSPerChip - 1)).toBeLessThan(0.1);
    expect(Math.abs((check.tpotP50S ?? 0) / point.tpotS - 1)).toBeLessThan(0.1);
    // ramp-up and drain only lower the whole-run figure
    expect(check.wholeRunTokensPerSPerChip).toBeLessThan(check.tokensPerSPerChip);
  });

  // One 16-NPU prefill instance beside decode pools of 32 and 64 NPUs: it prefills 16 × P prompt
  // tokens/s, enough for 32 decode NPUs at B64 but not for 64 (without the feed limit the 64-NPU
  // pool ranked first, and the simulator found it ~45 % slower, as the 384-NPU pool at −57 %).
  const small = {
    ...doc,
    data: applyOverrides(doc.data, [{ path: ["deployment", "prefill", "instances"], value: 1 }]),
  };
  const smallBase = parseScenarioSource(small);
  const space = {
    ...defaultSearchSpace(smallBase),
    chipsPerInstance: [32, 64],
    attentionTp: [2],
    denseFfnTp: ["attention" as const],
    moeTp: [1],
    batchPerChip: [64],
    microbatchOverlap: [true],
    mtpDraftTokens: [1],
  };
  const check = (p: SearchPoint) => {
    const users = p.candidate.batchPerChip * p.candidate.chipsPerInstance;
    const scenario = parseScenarioSource(small, undefined, {
      overrides: [
        ...p.overrides,
        { path: ["workload", "arrival"], value: { kind: "closed-loop", concurrency: users } },
        { path: ["workload", "requests"], value: CHECK_ROUNDS * users },
      ],
    });
    return simulateCheck(scenario, users, p.candidate.chipsPerInstance);
  };

  it("ranks a decode pool at what the prefill pool feeds; the winner and a limited point re-check within 10 %", () => {
    const fed = searchDeployments(small, smallBase, { space });
    const feed = fed.prefillFeed;
    expect(feed?.shape).toEqual({ inputTokens: 3072, outputTokens: 2048 });
    expect(feed?.prefillChips).toBe(16);
    const limited = fed.points.find((p) => p.prefillLimited !== undefined);
    expect(limited?.candidate.chipsPerInstance).toBe(64);
    if (feed === undefined || limited === undefined) return;
    expect(limited.tokensPerSPerChip).toBeCloseTo(feed.outputTokensPerS / 64, 6);
    expect(limited.prefillLimited?.decodeTokensPerSPerChip).toBeGreaterThan(limited.tokensPerSPerChip);
    const winner = fed.ranked[0] as SearchPoint;
    expect(winner.candidate.chipsPerInstance).toBe(32);
    expect(winner.prefillLimited).toBeUndefined();
    // without the feed limit the 64-NPU pool would rank first
    const unfed = searchDeployments(small, smallBase, { space, prefillFeed: false });
    expect(unfed.ranked[0]?.candidate.chipsPerInstance).toBe(64);
    expect(unfed.prefillFeed).toBeUndefined();
    const [onWinner, onLimited] = [check(winner), check(limited)];
    expect(Math.abs(onWinner.tokensPerSPerChip / winner.tokensPerSPerChip - 1)).toBeLessThan(0.1);
    expect(Math.abs(onLimited.tokensPerSPerChip / limited.tokensPerSPerChip - 1)).toBeLessThan(0.1);
    // the winner's decode batch is full in the simulator too: its TPOT agrees
    expect(Math.abs((onWinner.tpotP50S ?? 0) / winner.tpotS - 1)).toBeLessThan(0.1);
  });
});
