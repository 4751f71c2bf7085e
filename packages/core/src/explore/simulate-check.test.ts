// biome-ignore lint/correctness/noNodejsModules: this test reads the example scenario file on disk
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenarioSource } from "../deploy/scenario.ts";
import { readSourceDocument } from "../spec/parse-document.ts";
import { searchDeployments } from "./search.ts";
import { defaultSearchSpace } from "./search-space.ts";
import { simulateCheck } from "./simulate-check.ts";

const FILE = "examples/search-deepseek-r1-cloudmatrix384.yaml";
const text = readFileSync(new URL(`../../../../${FILE}`, import.meta.url), "utf8");
const doc = readSourceDocument(text, FILE);
const base = parseScenarioSource(doc);

describe("simulator re-check of a searched point", () => {
  // The winner's shape (attention TP2, EP over every die, overlap, MTP1) at a size the test can
  // simulate: 32 decode chips, 64 sequences each (2,048 closed-loop users, two requests each).
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
        { path: ["workload", "requests"], value: 2 * users },
      ],
    });
    const check = simulateCheck(scenario, users, 32);
    expect(check.requests).toBe(2 * users);
    expect(check.window.endS).toBeGreaterThan(check.window.startS);
    expect(Math.abs(check.tokensPerSPerChip / point.tokensPerSPerChip - 1)).toBeLessThan(0.1);
    expect(Math.abs((check.tpotP50S ?? 0) / point.tpotS - 1)).toBeLessThan(0.1);
    // ramp-up and drain only lower the whole-run figure
    expect(check.wholeRunTokensPerSPerChip).toBeLessThan(check.tokensPerSPerChip);
  });
});
