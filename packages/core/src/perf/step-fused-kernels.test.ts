import { describe, expect, it } from "vitest";
import { engineProfile } from "../deploy/engine-profile.ts";
import { layerOperators } from "../model/layer-operators.ts";
import type { Operator } from "../model/types.ts";
import { withSeparateKernels } from "./step-separate-kernels.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

describe("kernels an engine fuses into others (fusedKernels)", () => {
  const scenario = referenceScenario("trtllm-gb200-qwen3-235b-fp4-tp4-c1");
  const ops = layerOperators(
    scenario.model,
    3,
    { phase: "decode", sequences: 1, kvTokens: 1536, tokensPerSequence: 1 },
    {
      weightDtype: "fp4",
      computeDtype: "fp4",
      localExperts: 32,
      tokensPerLocalExpert: 0.25,
      sharedExpertTokens: 1,
    },
  );
  const fusing = {
    expertPermute: false,
    mlaKeyConcat: false,
    fusedKernels: [
      { operators: ["attn.input_norm", "ffn.post_attention_norm"], when: "attention-tp" },
      { operators: ["attn.rotary"], when: "always" },
    ],
  } as const;
  const ctx = { hiddenSize: 4096, dispatchedTokens: 1, receivedTokens: 1, routedTokens: 1, topK: 8 } as const;
  const named = (list: readonly Operator[], name: string) => must(list.find((o) => o.name === name));

  it("keeps a fused operator's work but launches no kernel for it; TP-only fusions need attention TP", () => {
    const tp = withSeparateKernels(ops, fusing, {
      ...ctx,
      moeKernels: "low-latency",
      attentionTensorParallel: true,
    });
    const dp = withSeparateKernels(ops, fusing, {
      ...ctx,
      moeKernels: "low-latency",
      attentionTensorParallel: false,
    });
    expect(named(tp, "attn.input_norm").kernels).toBe(0);
    expect(named(tp, "ffn.post_attention_norm").kernels).toBe(0);
    expect(named(dp, "attn.input_norm").kernels).toBe(1);
    expect(named(tp, "attn.rotary").kernels).toBe(0);
    expect(named(dp, "attn.rotary").kernels).toBe(0);
    expect(named(tp, "attn.input_norm").bytesRead).toEqual(named(ops, "attn.input_norm").bytesRead);
    expect(named(tp, "attn.qk_norm").kernels).toBe(1);
  });

  it("TensorRT-LLM 1.0 declares its all-reduce + norm and RoPE fusions, read from its data file", () => {
    const fused = must(
      engineProfile({ name: "trtllm", version: "1.0.0" }).separateKernelsFor("NVIDIA"),
    ).fusedKernels;
    expect(fused?.find((f) => f.when === "attention-tp")?.operators).toContain("ffn.post_attention_norm");
    expect(fused?.find((f) => f.when === "always")?.operators).toEqual(["attn.rotary"]);
  });

  it("the TRTLLM MoE backend: one routing kernel with top-k, FC1 gathers its rows and fuses the activation, finalize fused into the all-reduce", () => {
    const backend = must(
      engineProfile({ name: "trtllm", version: "1.0.0", moeBackend: "TRTLLM" }).separateKernelsFor("NVIDIA"),
    );
    const run = (routedTokens: number, expertWeights: "fp4" | "fp8", attentionTensorParallel = true) =>
      withSeparateKernels(ops, backend, {
        ...ctx,
        routedTokens,
        expertWeights,
        attentionTensorParallel,
        moeKernels: "low-latency",
      });
    const fp4 = run(1, "fp4");
    expect(fp4.some((o) => o.name === "moe.experts.expand" || o.name === "moe.experts.gemm_setup")).toBe(
      false,
    );
    expect(named(fp4, "moe.experts.sort").kernels).toBe(1);
    expect(named(fp4, "moe.topk").kernels).toBe(0);
    expect(named(fp4, "moe.experts.act").kernels).toBe(0);
    expect(named(fp4, "moe.combine").kernels).toBe(0);
    // above 256 tokens three routing kernels; above 128 the finalize runs on its own
    expect(named(run(300, "fp4"), "moe.experts.sort").kernels).toBe(3);
    expect(named(run(200, "fp4"), "moe.combine").kernels).toBe(1);
    // no all-reduce to fuse into with attention DP; FP8 experts keep their activation kernel here
    expect(named(run(1, "fp4", false), "moe.combine").kernels).toBe(1);
    expect(named(run(1, "fp8"), "moe.experts.act").kernels).toBe(1);
    // the default (CUTLASS) chain is unchanged
    const cutlass = withSeparateKernels(
      ops,
      must(engineProfile({ name: "trtllm", version: "1.0.0" }).separateKernelsFor("NVIDIA")),
      { ...ctx, expertWeights: "fp4", attentionTensorParallel: true, moeKernels: "low-latency" },
    );
    expect(named(cutlass, "moe.experts.expand").kernels).toBe(1);
    expect(named(cutlass, "moe.experts.act").kernels).toBe(1);
  });

  it("the TRITON MoE backend under attention DP: gate and top-k over the gathered tokens, the EP routing cut, the input pad", () => {
    const triton = must(
      engineProfile({ name: "trtllm", version: "1.0.0", moeBackend: "TRITON" }).separateKernelsFor("NVIDIA"),
    );
    const run = (moeEp: number, routedTokens: number, hiddenSize: number) =>
      withSeparateKernels(ops, triton, {
        ...ctx,
        hiddenSize,
        dispatchedTokens: 512,
        routedTokens,
        moeEp,
        localExperts: 256 / moeEp,
        moeKernels: "low-latency",
      });
    const dep4 = run(4, 2048, 2880);
    const router = must(ops.find((o) => o.name === "moe.router"));
    // four ranks' tokens through the gate: 4x the FLOPs and activations, the gate's weights once
    expect(named(dep4, "moe.router").flops).toBeCloseTo(4 * router.flops, 6);
    expect(named(dep4, "moe.router").bytesRead.weights).toBe(router.bytesRead.weights);
    expect(named(dep4, "moe.topk").flops).toBeCloseTo(
      4 * must(ops.find((o) => o.name === "moe.topk")).flops,
      6,
    );
    // bitmatrix shift, clear and compaction before the routing kernels
    expect(named(dep4, "moe.experts.ep_routing").kernels).toBe(3);
    // 2,880 columns padded to 2,944: every routed token read once and written padded
    expect(named(dep4, "moe.experts.input_pad").bytesWritten.activations).toBe(2048 * 2944 * 2);
    // one rank (EP 1, no gather): the gate as the layer has it, no routing cut; 7,168 needs no pad
    const tp1 = run(1, 512, 7168);
    expect(named(tp1, "moe.router").flops).toBe(router.flops);
    expect(tp1.some((o) => o.name === "moe.experts.ep_routing" || o.name === "moe.experts.input_pad")).toBe(
      false,
    );
  });

  it("CUTLASS MoE: the NVFP4 scale factors re-swizzled after an all-gather (2 kernels), not for FP8 or without a gather", () => {
    const cutlass = must(engineProfile({ name: "trtllm", version: "1.0.0" }).separateKernelsFor("NVIDIA"));
    const run = (dispatchFp4: boolean, routedTokens: number) =>
      withSeparateKernels(ops, cutlass, {
        ...ctx,
        dispatchedTokens: 1024,
        routedTokens,
        dispatchFp4,
        moeKernels: "low-latency",
      });
    const sf = named(run(true, 4096), "moe.experts.sf_reswizzle");
    expect(sf.kernels).toBe(2);
    expect(sf.bytesRead.activations).toBe((2 * 4096 * 4096) / 16); // Qwen3-235B: hidden 4,096
    expect(run(false, 4096).some((o) => o.name === "moe.experts.sf_reswizzle")).toBe(false);
    expect(run(true, 1024).some((o) => o.name === "moe.experts.sf_reswizzle")).toBe(false);
  });
});
