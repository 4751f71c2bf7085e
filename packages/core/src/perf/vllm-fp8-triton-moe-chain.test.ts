import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { overlaidMoeBackend } from "./engine-overlay.ts";
import { type MoeOpSpec, moeOpOperators } from "./moe-op-case.ts";
import { estimate } from "./step-estimate.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

/**
 * vLLM's Triton fused_experts chain where a scenario names `engine.moeBackend: triton`
 * (data/engines/vllm.yaml `moeBackends.triton`): for block-FP8 experts the alignment (two kernels at
 * 128 experts), the expert map at EP > 1, and both expert GEMM inputs quantised per token group by a
 * kernel of their own — the first over the tokens the op holds, the second over every routed pair's
 * activation (fused_experts_impl's caches span all top-k pairs).
 */
describe("vLLM's block-FP8 Triton MoE chain", () => {
  const h100 = builtinCatalog().chip("h100-sxm");
  const engine = { name: "vllm", version: "0.14.0" };
  // aiconfigurator's vLLM 0.14 H100 record aic-vllm-h100-moe-fp8block-triton-q3-ep8-t8.
  const spec: MoeOpSpec = {
    kind: "moe-op",
    model: "qwen3-235b-a22b",
    hidden: 4096,
    expertIntermediate: 1536,
    experts: 128,
    topK: 8,
    tokens: 8,
    ep: 8,
    tp: 1,
    weights: "fp8",
    backend: "triton",
    backendChain: true,
    routing: "balanced",
  };
  const names = (s: MoeOpSpec) => moeOpOperators(s, engine, h100).map((o) => [o.name, o.kernels ?? 1]);

  it("Qwen3-235B at EP8: quantisation, two alignment kernels and the map before the first GEMM, a quantisation before the second", () => {
    expect(names(spec)).toEqual([
      ["moe.topk", 1],
      ["moe.experts.sort", 2],
      ["moe.experts.expert_map", 1],
      ["moe.experts.gate_up_proj.quant", 1],
      ["moe.experts.gate_up_proj", 1],
      ["moe.experts.act", 1],
      ["moe.experts.down_proj.quant", 1],
      ["moe.experts.down_proj", 1],
      ["moe.combine", 1],
    ]);
  });

  it("quantises the 8 held tokens (4,096 wide) and all 64 routed pairs' activations (1,536 wide), FP8 values plus a 4-byte scale per 128", () => {
    const ops = moeOpOperators(spec, engine, h100);
    const written = (name: string) => ops.find((o) => o.name === name)?.bytesWritten.activations;
    expect(written("moe.experts.gate_up_proj.quant")).toBe(8 * 4096 + (8 * 4096 * 4) / 128);
    expect(written("moe.experts.down_proj.quant")).toBe(64 * 1536 + (64 * 1536 * 4) / 128);
  });

  it("at EP 1 (tensor-parallel experts) no expert map; without the named chain the FP8 op has none of these kernels", () => {
    const tp = names({ ...spec, ep: 1, tp: 4, tokens: 1024 });
    expect(tp.filter(([n]) => n === "moe.experts.expert_map")).toEqual([]);
    expect(tp.filter(([n]) => String(n).endsWith(".quant"))).toHaveLength(2);
    const { backendChain: _, ...unnamed } = spec;
    expect(names(unnamed).map(([n]) => n)).toEqual([
      "moe.topk",
      "moe.experts.gate_up_proj",
      "moe.experts.act",
      "moe.experts.down_proj",
      "moe.combine",
    ]);
  });

  it("16-bit experts run the same chain as the default one (no quantisation kernels)", () => {
    const bf16 = { ...spec, weights: "bf16" } as const;
    const { backendChain: _, ...unnamed } = bf16;
    expect(names(bf16)).toEqual(names(unnamed));
    expect(names(bf16).some(([n]) => String(n).endsWith(".quant"))).toBe(false);
  });

  it("runs where Triton is the backend that runs: named, vLLM's default FP8 MoE overlay on Hopper, or DeepGEMM's below 128 tokens a call (MiniMax-M2.5 on 8 H100)", () => {
    expect(overlaidMoeBackend("vllm", ["vllm-block-fp8-linear-sm90", "vllm-triton-moe-fp8-sm90"])).toBe(
      "triton",
    );
    expect(overlaidMoeBackend("vllm", ["vllm-block-fp8-linear-sm90"])).toBeUndefined();
    const moeOps = (...sets: string[]) => {
      const decode = must(estimate(referenceScenario("vllm-h100-minimax-m2.5-fp8-tp8", ...sets)).decode);
      const layer = must(decode.step.layers.find((l) => l.kind === "moe"));
      return layer.timing.items.map((i) => i.name).filter((n) => n.startsWith("moe.experts."));
    };
    const chain = [
      "moe.experts.sort",
      "moe.experts.expert_map",
      "moe.experts.gate_up_proj.quant",
      "moe.experts.gate_up_proj",
      "moe.experts.act",
      "moe.experts.down_proj.quant",
      "moe.experts.down_proj",
    ];
    expect(moeOps()).toEqual(chain);
    expect(moeOps("engine.moeBackend=triton")).toEqual(chain);
    // DeepGEMM named: vLLM 0.11.1 tests each call (_valid_deep_gemm), and a decode step of 32 sequences
    // (32 tokens a call, below 128) runs the Triton chain (perf/step-moe-call.ts) ...
    expect(moeOps("engine.moeBackend=deep_gemm")).toEqual(chain);
    // ... while a call of 128 tokens runs DeepGEMM's own chain (moeBackends.deep_gemm): its permute
    // kernels and row scatter, none of Triton's.
    expect(moeOps("engine.moeBackend=deep_gemm", "offline.maxSequencesPerInstance=128")).toEqual([
      "moe.experts.sort",
      "moe.experts.scatter",
      "moe.experts.gate_up_proj.quant",
      "moe.experts.gate_up_proj",
      "moe.experts.act",
      "moe.experts.down_proj.quant",
      "moe.experts.down_proj",
    ]);
  });
});
