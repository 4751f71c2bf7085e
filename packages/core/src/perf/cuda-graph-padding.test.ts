import { describe, expect, it } from "vitest";
import type { Scenario } from "../deploy/index.ts";
import { capturedBatchSizes, paddedDecodeSequences, paddedRankBatch } from "./cuda-graph-padding.ts";
import { instancePerformance } from "./step-instance-performance.ts";
import { stepContext } from "./step-model.ts";
import { instanceStepTime } from "./step-pipeline.ts";
import { microbatchWork } from "./step-work.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 384, 512, 1024, 2048, 4096, 8192];
const qwen235 = () => referenceScenario("trtllm-qwen3-235b-fp8-offline");
const plan = (s: Scenario) => must(s.deployment.colocated);

describe("CUDA-graph padding (TensorRT-LLM enable_padding)", () => {
  it("captures the listed sizes up to the executor's largest batch, and that batch instead of larger ones", () => {
    expect(capturedBatchSizes(SIZES, 160)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 160]);
    expect(capturedBatchSizes(SIZES, 384)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 384]);
    expect(capturedBatchSizes([1, 2, 4], Number.POSITIVE_INFINITY)).toEqual([1, 2, 4]);
  });

  it("rounds a rank's batch up to the next captured size; beyond the largest it runs unpadded", () => {
    expect(paddedRankBatch(SIZES, 202)).toBe(256);
    expect(paddedRankBatch(SIZES, 384)).toBe(384);
    expect(paddedRankBatch(SIZES, 47)).toBe(64);
    expect(paddedRankBatch([1, 2, 4], 5)).toBe(5);
  });

  it("pads every attention-DP rank to the busiest rank's batch, capped by max_batch_size per rank", () => {
    const s = qwen235(); // DEP4, maxSequencesPerInstance 7168, maxBatchTokens 14336: 1,792 per rank
    expect(must(s.engine?.cudaGraphBatchSizes)).toEqual(SIZES);
    expect(plan(s).attention.dp).toBe(4);
    expect(paddedDecodeSequences(s, plan(s), 4 * 372)).toBe(4 * 384);
    // 1,001 over 4 ranks: the busiest holds 251, every rank replays the 256 graph
    expect(paddedDecodeSequences(s, plan(s), 1001)).toBe(4 * 256);
    // above the largest listed size below the cap: the cap itself is captured
    expect(paddedDecodeSequences(s, plan(s), 4 * 1500)).toBe(4 * 1792);
    const capped: Scenario = { ...s, offline: { ...must(s.offline), maxSequencesPerInstance: 640 } };
    expect(paddedDecodeSequences(capped, plan(capped), 4 * 160)).toBe(4 * 160);
  });

  it("costs decode time but not for an engine without padded graphs; the KV read is the real one", () => {
    const s = qwen235();
    const { cudaGraphBatchSizes: _, ...noGraphs } = must(s.engine);
    const bare: Scenario = { ...s, engine: noGraphs };
    expect(paddedDecodeSequences(bare, plan(bare), 808)).toBe(808);
    const batch = { sequences: 4 * 202, kvTokens: 4 * 202 * 1536 };
    const padded = instancePerformance(s, "colocated").decodeStepS(batch);
    const plain = instancePerformance(bare, "colocated").decodeStepS(batch);
    expect(padded).toBeGreaterThan(plain);
    // at a captured size nothing is padded
    const exact = { sequences: 4 * 256, kvTokens: 4 * 256 * 1536 };
    expect(instancePerformance(s, "colocated").decodeStepS(exact)).toBeCloseTo(
      instancePerformance(bare, "colocated").decodeStepS(exact),
      12,
    );
    // a padded step costs less than the same number of real sequences (no KV for the dummies)
    const real = instancePerformance(bare, "colocated").decodeStepS({
      sequences: 1024,
      kvTokens: 1024 * 1536,
    });
    expect(padded).toBeLessThan(real);
  });

  it("routes the padding rows as one dummy token: one expert set, no context for a window to clip", () => {
    // Llama 4 Maverick (top-1 of 128 experts, chunked-attention layers of 8,192), DEP4 on B200:
    // 35 sequences per rank replay the 64-row graph.
    const s = referenceScenario("trtllm-llama-4-maverick-offline");
    const ctx = stepContext(s, plan(s));
    const kv = 140 * 17408;
    const step = (sequences: number, paddingSequences?: number) =>
      instanceStepTime(ctx, {
        phase: "decode",
        sequences,
        kvTokens: kv,
        ...(paddingSequences !== undefined && { paddingSequences }),
      }).stepS;
    const unpadded = step(140);
    const routedAsSequences = step(256);
    const oneDummy = step(256, 116);
    expect(oneDummy).toBeGreaterThan(unpadded);
    // all 116 dummy rows of the 4 ranks on one expert of the busiest routed-expert rank
    const work = microbatchWork(ctx, {
      phase: "decode",
      sequences: 256,
      kvTokens: kv,
      paddingSequences: 116,
    });
    const routed = work.rankKinds.find((k) => k.name === "routed-expert");
    expect(routed?.options.fixedExpertLoad).toEqual({ experts: 1, tokens: 116 });
    // the dummy rows no longer wake ~30 more experts per rank, nor read 8,192 tokens each
    expect(oneDummy).toBeLessThan(unpadded + 0.25 * (routedAsSequences - unpadded));
    // the instance's decode step is that padded step (5 digits: 3 would also admit the unpadded
    // one, 0.29 ms faster)
    expect(instancePerformance(s, "colocated").decodeStepS({ sequences: 140, kvTokens: kv })).toBeCloseTo(
      oneDummy,
      5,
    );
  });
});
