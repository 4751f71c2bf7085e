import { describe, expect, it } from "vitest";
import type { Scenario } from "../deploy/scenario.ts";
import { layerOperators } from "../model/layer-operators.ts";
import type { Operator } from "../model/types.ts";
import { estimate } from "./step-estimate.ts";
import { withSeparateKernels } from "./step-separate-kernels.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

/**
 * Two kernels of TensorRT-LLM's decoder layers read from the source (2026-12-06, hopdep;
 * docs/accuracy/tensorrt-llm-dep-layer-fixed-cost-on-hopper.md): with an FP8 KV cache the attention
 * kernel writes the FP8 o_proj input itself, and DeepSeek's shared-expert output is added to the
 * routed output by an elementwise kernel of its own.
 */
const decodeItem = (scenario: Scenario, name: string) => {
  const layer = must(estimate(scenario).decode).step.layers.find((l) => l.kind === "moe");
  return must(must(layer).timing.items.find((i) => i.name === name));
};

describe("TensorRT-LLM: FP8 attention output feeds an FP8 o_proj without a quantisation kernel", () => {
  const fp8Kv = referenceScenario("trtllm-qwen3-235b-fp8-offline");
  const bf16Kv = referenceScenario("trtllm-qwen3-235b-fp8-offline", "precision.kvCache=bf16");

  it("FP8 KV cache and FP8 per-tensor weights: o_proj's quantisation launches nothing, its bytes stay", () => {
    const q = decodeItem(fp8Kv, "attn.o_proj.quant");
    expect(q.overheadS).toBe(0);
    expect(q.bytes).toBeGreaterThan(0);
    expect(decodeItem(fp8Kv, "attn.qkv_proj.quant").overheadS).toBeGreaterThan(0);
  });

  it("a BF16 KV cache keeps the kernel (the attention output is BF16)", () => {
    expect(decodeItem(bf16Kv, "attn.o_proj.quant").overheadS).toBeGreaterThan(0);
  });

  it("FP8 block-scale weights keep it (that linear layer re-quantises the FP8 output per 1 x 128)", () => {
    const block = referenceScenario("trtllm-qwen3-235b-fp8-offline", "precision.weightScheme=block-128x128");
    expect(decodeItem(block, "attn.o_proj.quant").overheadS).toBeGreaterThan(0);
  });

  it("the decode step is shorter by about one launch per layer", () => {
    const launch = decodeItem(bf16Kv, "attn.o_proj.quant").overheadS;
    const step = (s: Scenario) => must(estimate(s).decode).step;
    const layers = step(fp8Kv).layers.reduce((n, l) => n + l.count, 0);
    expect(layers).toBe(94);
    expect(step(bf16Kv).kernelLaunchS - step(fp8Kv).kernelLaunchS).toBeCloseTo(layers * launch, 9);
  });
});

describe("TensorRT-LLM: DeepSeek's shared expert is added to the routed output by a kernel of its own", () => {
  const scenario = referenceScenario("trtllm-deepseek-r1-fp8-h200-throughput");

  it("one elementwise kernel per MoE layer over the rank's own tokens: reads two BF16 rows, writes one", () => {
    const add = decodeItem(scenario, "moe.shared_add");
    const tokens = must(estimate(scenario).decode).batchPerChip;
    expect(add.overheadS).toBeGreaterThan(0);
    expect(add.bytes).toBe(3 * tokens * 7168 * 2);
  });

  it("no add without a shared expert (Qwen3-235B)", () => {
    const qwen = referenceScenario("trtllm-qwen3-235b-fp8-offline");
    const layer = must(must(estimate(qwen).decode).step.layers.find((l) => l.kind === "moe"));
    expect(layer.timing.items.some((i) => i.name === "moe.shared_add")).toBe(false);
  });

  it("fused into the MoE all-reduce where the finalize is (TRTLLM NVFP4 backend, attention TP, few tokens)", () => {
    const ops: readonly Operator[] = layerOperators(
      scenario.model,
      3,
      { phase: "decode", sequences: 1, kvTokens: 2048, tokensPerSequence: 1 },
      {
        weightDtype: "fp4",
        computeDtype: "fp4",
        localExperts: 64,
        tokensPerLocalExpert: 0.125,
        sharedExpertTokens: 1,
      },
    );
    const policy = {
      expertPermute: false,
      mlaKeyConcat: false,
      sharedExpertAdd: true,
      fusedKernels: [{ operators: ["moe.combine", "moe.shared_add"], when: "attention-tp", maxTokens: 128 }],
    } as const;
    const ctx = {
      hiddenSize: 7168,
      dispatchedTokens: 1,
      receivedTokens: 1,
      routedTokens: 1,
      topK: 8,
    } as const;
    const kernelsOf = (attentionTensorParallel: boolean) =>
      must(
        withSeparateKernels(ops, policy, { ...ctx, moeKernels: "low-latency", attentionTensorParallel }).find(
          (o) => o.name === "moe.shared_add",
        ),
      ).kernels;
    expect(kernelsOf(true)).toBe(0);
    expect(kernelsOf(false)).toBe(1);
  });
});
