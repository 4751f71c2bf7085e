import { describe, expect, it } from "vitest";
import { builtinModel, layerOperators, type Operator } from "../model/index.ts";
import { stepContext } from "./step-model.ts";
import { microbatchWork, sharedExpertTokens } from "./step-work.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

// DeepSeek-R1: hidden 7,168, one shared expert of intermediate 2,048 (SwiGLU: gate_up is 2 × 2,048 wide).
const H = 7168;
const SHARED = 2048;
const TOKENS = 8192;
/** Hand-computed per-rank FLOPs of the shared expert's gate_up GEMM: 2 · rows · H · 2 · SHARED / tp. */
const gateUpFlops = (rows: number, tp: number) => (2 * rows * H * 2 * SHARED) / tp;
// 8,192 tokens over 8 ranks, whatever the layout: 1/8 of 2 · 8,192 · 7,168 · 4,096 = 60.13 GFLOP.
const PER_RANK = gateUpFlops(TOKENS, 8);

const prefill = {
  phase: "prefill" as const,
  sequences: 2,
  newTokens: TOKENS,
  attendedTokenPairs: 2 * 4096 * 4097,
};
const r1 = builtinModel("deepseek-r1");

/** The rank's MoE-layer operators (layer 10) of an 8,192-token prefill on the H200 TP8 R1 scenario, re-laid out. */
function moeLayerOps(scenario: string, group: "decode" | "colocated", ...sets: string[]): Operator[] {
  const s = referenceScenario(scenario, ...sets.map((x) => `deployment.${group}.${x}`));
  const ctx = stepContext(s, must(s.deployment[group]));
  const work = microbatchWork(ctx, prefill);
  return layerOperators(r1, 10, work.groupWorkload, must(work.rankKinds[0]).options);
}
const named = (ops: Operator[], name: string) => must(ops.find((o) => o.name === name));

describe("the shared expert's rows on a rank (step-work.ts sharedExpertTokens)", () => {
  it("is the tokens of the rank's shared-expert TP group", () => {
    expect(sharedExpertTokens(1024, 8)).toBe(8192);
    expect(sharedExpertTokens(1024, 1)).toBe(1024);
  });

  it("TP-only (attention TP8, dense FFN TP8, MoE EP4 × TP2): every rank runs all 8,192 tokens on 1/8 of the width", () => {
    const ops = moeLayerOps("trtllm-h200-deepseek-r1-fp8-min-latency", "decode", "mtp=null");
    const gateUp = named(ops, "moe.shared.gate_up_proj");
    expect(gateUp.shape?.m).toBe(TOKENS);
    expect(gateUp.shape?.n).toBe((2 * SHARED) / 8);
    expect(gateUp.flops).toBeCloseTo(PER_RANK, -3); // 60.13 GFLOP, not 7.52 (tokens / 8 and width / 8)
    expect(gateUp.flops / 1e9).toBeCloseTo(60.13, 2);
    // down_proj: 2 · 8,192 · 256 · 7,168
    expect(named(ops, "moe.shared.down_proj").flops).toBeCloseTo((2 * TOKENS * (SHARED / 8) * H) / 1, -3);
  });

  it("expert parallelism with attention DP8 (dense FFN TP1, EP8): each rank its 1,024 tokens on the whole width", () => {
    const ops = moeLayerOps(
      "trtllm-h200-deepseek-r1-fp8-min-latency",
      "decode",
      "mtp=null",
      "attention.tp=1",
      "denseFfn.tp=1",
      "moe.ep=8",
      "moe.tp=1",
      "batchPerChip=1",
    );
    const gateUp = named(ops, "moe.shared.gate_up_proj");
    expect(gateUp.shape?.m).toBe(TOKENS / 8);
    expect(gateUp.shape?.n).toBe(2 * SHARED);
    expect(gateUp.flops).toBeCloseTo(PER_RANK, -3);
  });

  it("attention DP8 with the dense FFN TP8 (gathered tokens): all 8,192 tokens on 1/8 of the width", () => {
    const ops = moeLayerOps(
      "trtllm-h200-deepseek-r1-fp8-min-latency",
      "decode",
      "mtp=null",
      "attention.tp=1",
      "moe.ep=8",
      "moe.tp=1",
      "batchPerChip=1",
    );
    const gateUp = named(ops, "moe.shared.gate_up_proj");
    expect(gateUp.shape?.m).toBe(TOKENS);
    expect(gateUp.flops).toBeCloseTo(PER_RANK, -3);
  });

  it("SGLang's fused shared expert under MoE TP8: 8,192 more rows on the routed GEMMs' 1/8 slice", () => {
    const fused = moeLayerOps("sglang-h200-deepseek-r1-tp8-burst", "colocated");
    expect(fused.some((o) => o.name.startsWith("moe.shared."))).toBe(false);
    const s = referenceScenario("sglang-h200-deepseek-r1-tp8-burst");
    const ctx = stepContext(s, must(s.deployment.colocated));
    const work = microbatchWork(ctx, prefill);
    const options = must(work.rankKinds[0]).options;
    expect(options.sharedExpertFused).toBe(true);
    expect(options.sharedExpertTokens).toBe(TOKENS);
    const apart = layerOperators(r1, 10, work.groupWorkload, { ...options, sharedExpertFused: false });
    const extra =
      named(fused, "moe.experts.gate_up_proj").flops - named(apart, "moe.experts.gate_up_proj").flops;
    expect(extra).toBeCloseTo(PER_RANK, -3);
  });
});

describe("the dense FFN's rows under an FFN TP group wider than the attention's (ffnGather)", () => {
  // DeepSeek-R1's first three layers are dense: intermediate 18,432.
  const DENSE = 18432;
  const denseOps = (...sets: string[]) => {
    const s = referenceScenario(
      "trtllm-h200-deepseek-r1-fp8-min-latency",
      ...["mtp=null", "attention.tp=1", "moe.ep=8", "moe.tp=1", "batchPerChip=1", ...sets].map(
        (x) => `deployment.decode.${x}`,
      ),
    );
    const ctx = stepContext(s, must(s.deployment.decode));
    const work = microbatchWork(ctx, prefill);
    return layerOperators(r1, 0, work.groupWorkload, work.base);
  };

  it("attention DP8 with the dense FFN TP8: all 8,192 gathered tokens on 1/8 of the width", () => {
    const gateUp = named(denseOps(), "ffn.gate_up_proj");
    expect(gateUp.shape?.m).toBe(TOKENS);
    expect(gateUp.flops).toBeCloseTo((2 * TOKENS * H * 2 * DENSE) / 8, -3);
    // the norm before it stays on the rank's own 1,024 tokens
    expect(named(denseOps(), "ffn.post_attention_norm").flops).toBeCloseTo(
      named(denseOps("denseFfn.tp=1"), "ffn.post_attention_norm").flops,
      6,
    );
  });

  it("attention DP8 with the dense FFN TP1: the rank's own 1,024 tokens on the whole width (the same FLOPs)", () => {
    const gateUp = named(denseOps("denseFfn.tp=1"), "ffn.gate_up_proj");
    expect(gateUp.shape?.m).toBe(TOKENS / 8);
    expect(gateUp.flops).toBeCloseTo((2 * TOKENS * H * 2 * DENSE) / 8, -3);
  });
});
