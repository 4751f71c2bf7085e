import { describe, expect, it } from "vitest";
import { parseScenarioSource } from "../deploy/scenario.ts";
import { estimate } from "../perf/step-estimate.ts";
import { referenceScenarioText } from "../report/validate-end-to-end.ts";
import { promptKvTransfer } from "../serving/index.ts";
import { readSourceDocument } from "../spec/parse-document.ts";
import { searchDeployments } from "./search.ts";
import { defaultSearchSpace, type SearchSpace, spaceSize } from "./search-space.ts";

const FILE = "examples/cloudmatrix384-deepseek-r1-decode.yaml";
const doc = readSourceDocument(referenceScenarioText("cloudmatrix384-deepseek-r1-decode"), FILE);
const base = parseScenarioSource(doc);

/** A small space around the paper's deployment (160 chips, DP attention, EP320, 32 shared copies). */
function space(extra: Partial<SearchSpace> = {}): SearchSpace {
  return {
    ...defaultSearchSpace(base),
    chipsPerInstance: [160],
    attentionTp: [1],
    denseFfnTp: ["attention"],
    moeTp: [1],
    batchPerChip: [32, 96],
    microbatchOverlap: [true],
    mtpDraftTokens: [1],
    ...extra,
  };
}

describe("searchDeployments", () => {
  it("reproduces the scenario as written when the space holds it", () => {
    const r = searchDeployments(doc, base, { space: space() });
    const asWritten = r.points.find(
      (p) => p.candidate.batchPerChip === 96 && p.candidate.sharedReplicas === 32,
    );
    const e = estimate(base);
    expect(asWritten?.tokensPerSPerChip).toBeCloseTo(e.decodeTokensPerSPerChip ?? 0, 6);
    expect(asWritten?.tpotS).toBeCloseTo(e.tpotS ?? 0, 9);
    expect(r.base.tokensPerSPerChip).toBeCloseTo(e.decodeTokensPerSPerChip ?? 0, 6);
    expect(r.total).toBe(spaceSize(r.space));
  });

  it("gives the same figures when a layout's batches reuse its resolution as when each is resolved alone", () => {
    const batches = [16, 48, 96, 160];
    const together = searchDeployments(doc, base, {
      space: space({ batchPerChip: batches, attentionTp: [1, 2] }),
    });
    for (const b of batches) {
      const alone = searchDeployments(doc, base, {
        space: space({ batchPerChip: [b], attentionTp: [1, 2] }),
      });
      for (const p of alone.points) {
        const q = together.points.find((x) => x.label === p.label);
        expect(q?.tokensPerSPerChip).toBe(p.tokensPerSPerChip);
        expect(q?.tpotS).toBe(p.tpotS);
        expect(q?.memoryPerChipBytes).toBe(p.memoryPerChipBytes);
      }
    }
    expect(together.points.length).toBeGreaterThan(batches.length);
  });

  it("prunes what does not divide or fit, counted per reason, once per layout", () => {
    const r = searchDeployments(doc, base, {
      space: space({ attentionTp: [1, 3], moeTp: [1, 3], batchPerChip: [96, 4096, 8192] }),
    });
    // 2 attention TPs × 2 MoE TPs × 2 expert layouts × 3 batches
    expect(r.total).toBe(24);
    // MoE TP3 leaves a fraction of EP (320 ranks / 3): every batch of those 6 layouts (minus ones
    // whose attention TP3 already failed — MoE TP is checked first)
    expect(r.pruned["does not divide: moe.tp (MoE TP does not divide the ranks)"]).toBe(12);
    // attention TP3 does not divide 128 heads: the layout's three batches in one go
    expect(r.pruned["does not divide: attention.tp"]).toBe(6);
    // batches past HBM: 4,096 and 8,192 sequences per chip do not fit, for both expert layouts
    expect(r.pruned["does not fit in HBM"]).toBe(4);
    expect(r.evaluated).toBe(2);
    const counted = r.evaluated + Object.values(r.pruned).reduce((a, b) => a + b, 0);
    expect(counted).toBe(r.total);
  });

  it("ranks the points that meet the TPOT SLO by tokens/s per chip", () => {
    const r = searchDeployments(doc, base, {
      space: space({ batchPerChip: [8, 32, 64, 96, 128, 192] }),
      slo: { tpotS: 0.045 },
    });
    expect(r.ranked.length).toBeGreaterThan(0);
    expect(r.ranked.every((p) => p.tpotS <= 0.045)).toBe(true);
    for (let i = 1; i < r.ranked.length; i++)
      expect(r.ranked[i - 1]?.tokensPerSPerChip ?? 0).toBeGreaterThanOrEqual(
        r.ranked[i]?.tokensPerSPerChip ?? 0,
      );
    const misses = r.points.filter((p) => p.tpotS > 0.045);
    expect(r.sloMisses.tpot).toBe(misses.length);
    expect(misses.every((p) => !p.meetsSlo)).toBe(true);
    // the winner beats every SLO-meeting point, and a point over the SLO can be faster per chip
    const best = r.ranked[0]?.tokensPerSPerChip ?? 0;
    expect(r.points.filter((p) => p.meetsSlo).every((p) => p.tokensPerSPerChip <= best)).toBe(true);
  });

  it("keeps the prefill pool as written and its TTFT (prefill + KV transfer) under the TTFT SLO", () => {
    const prefill = parseScenarioSource(
      readSourceDocument(referenceScenarioText("cloudmatrix384-deepseek-r1-prefill"), "prefill.yaml"),
    ).document.deployment.prefill;
    const both = readSourceDocument(referenceScenarioText("cloudmatrix384-deepseek-r1-decode"), FILE);
    const withPrefill = {
      ...both,
      data: { ...(both.data as object), deployment: { ...base.document.deployment, prefill } },
    };
    const b = parseScenarioSource(withPrefill);
    // no workload: no request shape to rate-match at; the TTFT is the pool's prefill plus its
    // prompt's KV transfer to the decode pool (as searchServing and the simulator count it)
    const kv = promptKvTransfer(b, b.deployment.prefill?.promptLength ?? 0).transferS;
    expect(kv).toBeGreaterThan(0);
    const ttft = (estimate(b).ttftS ?? 0) + kv;
    const r = searchDeployments(withPrefill, b, { space: space(), slo: { ttftS: ttft * 2 } });
    expect(r.points.every((p) => p.ttftS === ttft)).toBe(true);
    expect(r.ranked.length).toBe(r.points.length);
    expect(r.prefillFeed).toBeUndefined();
    const strict = searchDeployments(withPrefill, b, { space: space(), slo: { ttftS: ttft / 2 } });
    expect(strict.ranked).toEqual([]);
    expect(strict.sloMisses.ttft).toBe(strict.evaluated);
  });

  it("ranks nothing when no point meets the SLO", () => {
    const r = searchDeployments(doc, base, { space: space(), slo: { tpotS: 1e-4 } });
    expect(r.ranked).toEqual([]);
    expect(r.sloMisses.tpot).toBe(r.evaluated);
  });

  it("stops between layouts when asked, keeping what it has", () => {
    let calls = 0;
    const r = searchDeployments(doc, base, {
      space: space({ attentionTp: [1, 2] }),
      shouldStop: () => ++calls > 1,
    });
    expect(r.stopped).toBe(true);
    expect(r.points.every((p) => p.candidate.attentionTp === 1)).toBe(true);
  });
});
