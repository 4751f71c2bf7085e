import { describe, expect, it } from "vitest";
import { dispatchBytesPerToken } from "../deploy/moe-payload.ts";
import { DTYPE_BYTES } from "../hardware/types.ts";
import { collectiveTime } from "../network/collective-time.ts";
import { oneShotAllReduceS } from "../network/engine-all-reduce.ts";
import { fabricModel } from "../network/fabric-model.ts";
import { layerCollectives } from "./step-collectives.ts";
import { stepContext } from "./step-model.ts";
import { microbatchWork } from "./step-work.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

// DeepSeek-R1 FP4 on one DGX B200, ADP8 EP8 (TensorRT-LLM's max-throughput recipe): EP = top-k on one
// server, so TensorRT-LLM all-gathers the MoE inputs and reduce-scatters the outputs.
const NAME = "trtllm-b200-deepseek-r1-fp4-throughput";
const batch = { phase: "decode", sequences: 8 * 64, kvTokens: 8 * 64 * 2048 } as const;

/**
 * TensorRT-LLM's TP all-reduce over `ranks` ranks of the scenario's fabric: the faster of its one-shot
 * kernel (engine-all-reduce.yaml) and the NCCL stand-in (no ring-step excess).
 */
function engineAllReduceS(s: ReturnType<typeof referenceScenario>, bytes: number, ranks: number): number {
  const nccl = collectiveTime(s.fabricTarget, {
    op: "all-reduce",
    bytes,
    ranks,
    inSwitch: false,
    engineKernel: true,
  }).timeS;
  const oneShot = must(oneShotAllReduceS(fabricModel(s.fabricTarget), ranks, bytes));
  expect(oneShot).toBeLessThan(nccl);
  return oneShot;
}

function moeItems(...sets: string[]) {
  const s = referenceScenario(NAME, ...sets);
  const ctx = stepContext(s, must(s.deployment.colocated));
  const work = microbatchWork(ctx, batch);
  const items = layerCollectives(ctx, work, "moe", false);
  const named = (name: string) => must(items.find((i) => i.name === name));
  return { s, work, dispatch: named("moe.dispatch"), combine: named("moe.combine_transfer") };
}

describe("MoE communication as all-gather + reduce-scatter (allgather-reducescatter)", () => {
  it("gathers every EP rank's tokens to every rank and reduce-scatters their outputs, as NCCL collectives", () => {
    const { s, work, dispatch, combine } = moeItems();
    expect(s.deployment.colocated?.moe?.library).toBe("allgather-reducescatter");
    const ep = 8;
    const gathered = work.tokensPerRank * ep;
    const inBytes = gathered * dispatchBytesPerToken(s.model, s.precision);
    const outBytes = gathered * s.model.hiddenSize * DTYPE_BYTES[s.precision.combine];
    // nccl-tests convention: the whole gathered buffer; each rank sends / receives (n - 1) / n of it
    expect(dispatch.bytes).toBe((inBytes * (ep - 1)) / ep);
    expect(combine.bytes).toBe((outBytes * (ep - 1)) / ep);
    const time = (op: "all-gather" | "reduce-scatter", bytes: number) =>
      collectiveTime(s.fabricTarget, { op, bytes, ranks: ep, inSwitch: false }).timeS;
    expect(dispatch.timeS).toBeCloseTo(time("all-gather", inBytes), 12);
    expect(combine.timeS).toBeCloseTo(time("reduce-scatter", outBytes), 12);
  });

  it("moves every token whatever the routing: the bytes do not depend on the expert imbalance", () => {
    const skewed = moeItems();
    const balanced = moeItems("deployment.colocated.expertImbalance=balanced");
    expect(skewed.work.imbalance.factor).toBeGreaterThan(balanced.work.imbalance.factor);
    expect(skewed.dispatch.bytes).toBe(balanced.dispatch.bytes);
    expect(skewed.combine.timeS).toBeCloseTo(balanced.combine.timeS, 15);
    // an all-to-all library instead sends top-k copies to the experts' ranks, the hottest rank's share
    const a2a = moeItems("deployment.colocated.moe.library=deepep");
    expect(a2a.dispatch.bytes).not.toBe(skewed.dispatch.bytes);
  });
});

// Qwen3-235B NVFP4 under TensorRT-LLM on 4 GB200: TP4 attention (no attention DP), EP4 experts.
describe("MoE under tensor-parallel attention (TensorRT-LLM without attention DP)", () => {
  const TP4 = "trtllm-gb200-qwen3-235b-fp4-tp4-c1";
  it("gathers nothing (every rank holds every token) and sums the experts' outputs in one all-reduce", () => {
    const s = referenceScenario(TP4, "deployment.decode.batchPerChip=2");
    const plan = must(s.deployment.decode);
    const ctx = stepContext(s, plan);
    expect(ctx.plan.moe?.library).toBe("allgather-reducescatter");
    expect(ctx.plan.attention.dp).toBe(1);
    const work = microbatchWork(ctx, { phase: "decode", sequences: 8, kvTokens: 8 * 1536 });
    const items = layerCollectives(ctx, work, "moe", false);
    expect(items.some((i) => i.name === "moe.dispatch")).toBe(false);
    const combine = must(items.find((i) => i.name === "moe.combine_transfer"));
    const bytes = 8 * s.model.hiddenSize * DTYPE_BYTES[s.precision.combine];
    expect(combine.timeS).toBeCloseTo(engineAllReduceS(s, bytes, 4), 12);
    // the attention's own all-reduce stays: two all-reduces per layer, as in Qwen3MoEDecoderLayer
    expect(items.some((i) => i.name === "attn.all_reduce")).toBe(true);
  });

  it("with expert TP inside the TP group, the one all-reduce spans the whole group (no MoE TP all-reduce)", () => {
    const s = referenceScenario(TP4, "deployment.decode.moe.ep=2", "deployment.decode.moe.tp=2");
    const ctx = stepContext(s, must(s.deployment.decode));
    const work = microbatchWork(ctx, { phase: "decode", sequences: 8, kvTokens: 8 * 1536 });
    const items = layerCollectives(ctx, work, "moe", false);
    expect(items.some((i) => i.name === "moe.tp_all_reduce")).toBe(false);
    const combine = must(items.find((i) => i.name === "moe.combine_transfer"));
    const bytes = 8 * s.model.hiddenSize * DTYPE_BYTES[s.precision.combine];
    expect(combine.timeS).toBeCloseTo(engineAllReduceS(s, bytes, 4), 12);
  });
});

// DeepSeek-V3.2 under SGLang on 8 B200: DP8 attention, dense FFN and MoE TP8 (SGLang issue 15025).
describe("attention data-parallel under a tensor-parallel FFN / MoE (SGLang DP attention)", () => {
  const V32 = "sglang-b200-deepseek-v3.2-decode";
  function items(kind: "dense" | "moe", ...sets: string[]) {
    const s = referenceScenario(V32, ...sets);
    const ctx = stepContext(s, must(s.deployment.decode));
    const work = microbatchWork(ctx, { phase: "decode", sequences: 1, kvTokens: 4352 });
    return { s, work, items: layerCollectives(ctx, work, kind, false) };
  }

  it("all-gathers the other attention ranks' tokens over the FFN's TP group before the FFN, then all-reduces", () => {
    for (const kind of ["dense", "moe"] as const) {
      const { s, work, items: list } = items(kind);
      const names = list.map((i) => i.name);
      const gather = must(list.find((i) => i.name.endsWith(".dp_gather")));
      expect(names).toContain(kind === "moe" ? "moe.tp_all_reduce" : "ffn.all_reduce");
      const bytes = work.tokensPerRank * 8 * s.model.hiddenSize * DTYPE_BYTES.bf16;
      const t = collectiveTime(s.fabricTarget, { op: "all-gather", bytes, ranks: 8, inSwitch: false }).timeS;
      expect(gather.group).toBe("ffn-comm");
      expect(gather.timeS).toBeCloseTo(t, 12);
      expect(gather.timeS).toBeGreaterThan(0);
    }
  });

  it("gathers nothing when the attention is as tensor-parallel as the FFN", () => {
    const sets = ["deployment.decode.attention.tp=8"];
    for (const kind of ["dense", "moe"] as const)
      expect(items(kind, ...sets).items.some((i) => i.name.endsWith(".dp_gather"))).toBe(false);
  });
});

// Kimi-K2-Thinking under vLLM-Ascend on one A3: TP16 attention, EP16 over MC2 (the engine's MoE
// prepare / finalize split the TP group's tokens and all-gather the MoE outputs over TP).
describe("MoE outputs all-gathered over attention TP (vLLM-Ascend prepare / finalize)", () => {
  const K2T = "vllm-ascend-atlas-a3-kimi-k2-thinking-c1";
  function gather(...sets: string[]) {
    const s = referenceScenario(K2T, ...sets);
    const ctx = stepContext(s, must(s.deployment.decode));
    const work = microbatchWork(ctx, { phase: "decode", sequences: 1, kvTokens: 1536 });
    return {
      s,
      item: layerCollectives(ctx, work, "moe", false).find((i) => i.name === "moe.tp_output_gather"),
    };
  }

  it("all-gathers the TP group's tokens, padded to one per TP rank, once per MoE layer", () => {
    const { s, item } = gather();
    const tp = 16;
    const bytes = tp * s.model.hiddenSize * DTYPE_BYTES.bf16; // one sequence padded to 16 tokens
    expect(must(item).bytes).toBe((bytes * (tp - 1)) / tp);
    const t = collectiveTime(s.fabricTarget, { op: "all-gather", bytes, ranks: tp, inSwitch: false }).timeS;
    expect(must(item).timeS).toBeCloseTo(t, 12);
  });

  it("is absent without attention TP, and for an engine that does not split the MoE's tokens", () => {
    expect(
      gather(
        "deployment.decode.attention.tp=1",
        "deployment.decode.denseFfn.tp=1",
        "deployment.decode.batchPerChip=2",
      ).item,
    ).toBeUndefined();
    expect(gather("engine.name=sglang", "engine.version=0.5.0").item).toBeUndefined();
  });
});

// MiniMax-M2.5 under vLLM on one HGX H100 at TP8: its q/k RMSNorm spans the whole projection
// (qk_norm_type per_layer), so each rank all-reduces the tokens' q and k mean squares.
describe("a projection-wide q/k norm under attention TP (MiniMax-M2's MiniMaxText01RMSNormTP)", () => {
  function attentionItems(name: string, ...sets: string[]) {
    const s = referenceScenario(name, ...sets);
    const ctx = stepContext(s, must(s.deployment.colocated ?? s.deployment.decode));
    const work = microbatchWork(ctx, { phase: "decode", sequences: 32, kvTokens: 32 * 8192 });
    return { ctx, work, items: layerCollectives(ctx, work, "moe", false) };
  }

  it("all-reduces two FP32 values per token over the TP group, as the engine all-reduces any tensor", () => {
    const { ctx, work, items } = attentionItems("vllm-h100-minimax-m2.5-fp8-tp8");
    const qk = must(items.find((i) => i.name === "attn.qk_norm_all_reduce"));
    const bytes = work.groupTokens * 2 * DTYPE_BYTES.fp32;
    const same = ctx.comm.collective("attention-comm", "same", "all-reduce", bytes, 8);
    expect(qk.group).toBe("attention-comm");
    expect(qk.timeS).toBeCloseTo(same.timeS, 15);
    expect(qk.timeS).toBeGreaterThan(0);
    // the attention output's all-reduce stays beside it
    expect(items.some((i) => i.name === "attn.all_reduce")).toBe(true);
  });

  it("is charged under sequence parallelism too: after the all-gather a rank holds its heads of every token", () => {
    const { ctx, work } = attentionItems("vllm-h100-minimax-m2.5-fp8-tp8");
    const items = layerCollectives(ctx, work, "moe", true);
    const names = items.map((i) => i.name);
    expect(names).toEqual(
      expect.arrayContaining(["attn.sp_all_gather", "attn.sp_all_to_all", "attn.qk_norm_all_reduce"]),
    );
    expect(names).not.toContain("attn.all_reduce");
    const qk = must(items.find((i) => i.name === "attn.qk_norm_all_reduce"));
    const same = ctx.comm.collective(
      "attention-comm",
      "same",
      "all-reduce",
      work.groupTokens * 2 * DTYPE_BYTES.fp32,
      8,
    );
    expect(qk.bytes).toBe(same.bytes);
    expect(qk.timeS).toBeCloseTo(same.timeS, 15);
  });

  it("needs none without a TP group, nor for a per-head norm (Qwen3)", () => {
    const tp1 = attentionItems(
      "vllm-h100-minimax-m2.5-fp8-tp8",
      "deployment.colocated.chipsPerInstance=1",
      "deployment.colocated.attention.tp=1",
      "deployment.colocated.denseFfn.tp=1",
      "deployment.colocated.moe.ep=1",
    );
    expect(tp1.items.some((i) => i.name === "attn.qk_norm_all_reduce")).toBe(false);
    const s = referenceScenario("trtllm-gb200-qwen3-235b-fp4-tp4-c1", "deployment.decode.batchPerChip=2");
    expect(s.model.attention.kind === "gqa" && s.model.attention.qkNorm).toBe(true);
    const ctx = stepContext(s, must(s.deployment.decode));
    const work = microbatchWork(ctx, { phase: "decode", sequences: 8, kvTokens: 8 * 1536 });
    const names = layerCollectives(ctx, work, "moe", false).map((i) => i.name);
    expect(names).toContain("attn.all_reduce");
    expect(names).not.toContain("attn.qk_norm_all_reduce");
  });
});
