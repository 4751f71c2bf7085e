import { describe, expect, it } from "vitest";
import { offlineSearch } from "./offline-point.ts";
import { instancePerformance } from "./step-instance-performance.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

// DeepSeek-R1 FP8 on an HGX H200, attention DP 8 (max_batch_size 128 per rank), 1,024 + 2,048 tokens.
const r1h200 = () => referenceScenario("trtllm-deepseek-r1-fp8-h200-throughput");

describe("decode step at the exact batch (decodeStepExactS)", () => {
  it("agrees with the grid on a grid point, and not across a GEMM row tile", () => {
    const perf = instancePerformance(r1h200(), "colocated");
    const exactOf = perf.decodeStepExactS;
    // batches up to 64 are grid points (and a KV length on the 256-token grid): the same time
    const small = { sequences: 64, kvTokens: 64 * 2048 };
    expect(exactOf(small)).toBeCloseTo(perf.decodeStepS(small), 12);
    // 1,024 sequences = 128 rows per rank sits between grid points at ≈ 983 and ≈ 1,032 sequences
    // (123 and 129 rows per rank: one more 128-row tile), so the grid is ≈ 5 % slow there
    const onTile = { sequences: 1024, kvTokens: 1024 * 2048 };
    const ratio = perf.decodeStepS(onTile) / exactOf(onTile);
    expect(ratio).toBeGreaterThan(1.03);
  });

  it("is what the offline search reports as its decode-only step", () => {
    const s = r1h200();
    const best = offlineSearch(s).best;
    const kvMean = must(s.offline).promptTokens + must(s.offline).outputTokens / 2;
    const perf = instancePerformance(s, "colocated");
    const batch = { sequences: best.sequencesPerInstance, kvTokens: best.sequencesPerInstance * kvMean };
    expect(best.decodeStepS).toBeCloseTo(perf.decodeStepExactS(batch), 12);
  });
});
