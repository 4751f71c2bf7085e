import { describe, expect, it } from "vitest";
import { builtinModel, layerOperators, type Operator } from "../model/index.ts";
import { rankLocalS } from "./rank-local-work.ts";
import { sharedExpertTp } from "./shared-expert-tp.ts";
import { stepContext } from "./step-model.ts";
import { instanceStepTime } from "./step-pipeline.ts";
import { microbatchWork } from "./step-work.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

// DeepSeek-R1: hidden 7,168, one shared expert of intermediate 2,048 (SwiGLU: gate_up 2 × 2,048 wide).
const H = 7168;
const SHARED = 2048;
const r1 = builtinModel("deepseek-r1");
const named = (ops: Operator[], name: string) => must(ops.find((o) => o.name === name));

describe("the shared expert's tensor-parallel group (shared-expert-tp.ts)", () => {
  const dp16 = { attention: { tp: 1, dp: 16, sequenceParallel: false }, denseFfn: { tp: 16, dp: 1 } };
  const tp16 = { attention: { tp: 16, dp: 1, sequenceParallel: false }, denseFfn: { tp: 16, dp: 1 } };
  it("is the dense FFN's without expert parallelism or with EP over an all-gather", () => {
    expect(sharedExpertTp({ ...dp16, moe: { ep: 1, tp: 16 } }, false)).toBe(16);
    expect(
      sharedExpertTp({ ...dp16, moe: { ep: 16, tp: 1, library: "allgather-reducescatter" } }, false),
    ).toBe(16);
    expect(sharedExpertTp(dp16, false)).toBe(16);
  });

  it("is at most the attention's TP group under an all-to-all dispatch (no tokens gathered across attention groups)", () => {
    for (const library of ["deepep", "cann-mc2", "cann-ep", "nvlink-one-sided", undefined] as const) {
      const moe = { ep: 16, tp: 1, ...(library && { library }) };
      expect(sharedExpertTp({ ...dp16, moe }, false)).toBe(1);
      expect(sharedExpertTp({ ...tp16, moe }, false)).toBe(16);
    }
  });

  it("is the experts' TP group when fused into the routed GEMMs", () => {
    expect(sharedExpertTp({ ...dp16, moe: { ep: 1, tp: 16 } }, true)).toBe(16);
  });
});

describe("SGLang DP16 attention + DeepEP EP16 with the dense layers at TP16 (sglang-h20-deepseek-r1-decode)", () => {
  const s = referenceScenario("sglang-h20-deepseek-r1-decode");
  const plan = must(s.deployment.decode);
  const seq = 48 * 16;
  const batch = { phase: "decode" as const, sequences: seq, kvTokens: seq * 4864 };
  const work = microbatchWork(stepContext(s, plan), batch);
  const options = must(work.rankKinds[0]).options;

  it("runs the shared expert on the rank's own tokens over its whole width (deepseek_v2.py tp_size=1 under DeepEP)", () => {
    // 48 sequences × (1 + 1 MTP draft) per rank
    expect(work.tokensPerRank).toBe(96);
    const ops = layerOperators(r1, 10, work.groupWorkload, options);
    const gateUp = named(ops, "moe.shared.gate_up_proj");
    expect(gateUp.shape).toEqual({ m: 96, n: 2 * SHARED, k: H });
    expect(gateUp.flops).toBeCloseTo(2 * 96 * H * 2 * SHARED, -3);
    expect(named(ops, "moe.shared.down_proj").shape).toEqual({ m: 96, n: H, k: SHARED });
  });

  it("keeps the dense layers' FFN at the scenario's TP16 (only the shared expert is replicated)", () => {
    const dense = named(layerOperators(r1, 0, work.groupWorkload, work.base), "ffn.gate_up_proj");
    expect(dense.shape?.n).toBe((2 * 18432) / 16);
  });

  it("counts the replicated shared expert as the rank's own work, the gathered dense FFN not", () => {
    const prefill = {
      phase: "prefill" as const,
      sequences: 1,
      newTokens: 4096,
      attendedTokenPairs: (4096 * 4097) / 2,
      contextTokens: 0,
    };
    const step = instanceStepTime(stepContext(s, plan), prefill);
    const sum = (group: "shared-experts" | "dense-ffn") =>
      step.layers.reduce((a, l) => a + l.count * (l.timing.byGroup[group] ?? 0), 0);
    expect(sum("shared-experts")).toBeGreaterThan(0);
    const withoutA2a = { ...plan, moe: { ...must(plan.moe), library: "allgather-reducescatter" as const } };
    // the same step's parts: the all-gather layout would leave the shared expert out as well
    expect(rankLocalS(step, plan) - rankLocalS(step, withoutA2a)).toBeCloseTo(sum("shared-experts"), 12);
  });
});
