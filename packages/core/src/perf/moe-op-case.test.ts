import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { computeDevice } from "./device.ts";
import { efficiencyProfileForChip } from "./efficiency-profile.ts";
import { balancedExpertTokens, type MoeOpSpec, moeOpOperators, moeOpTime } from "./moe-op-case.ts";
import { operatorTime } from "./operator-time.ts";
import { gridStrideTime } from "./operator-time-terms.ts";

const spec: MoeOpSpec = {
  kind: "moe-op",
  model: "deepseek-v3",
  hidden: 7168,
  expertIntermediate: 2048,
  experts: 256,
  topK: 8,
  tokens: 64,
  ep: 8,
  tp: 1,
  weights: "fp4",
  backend: "CUTLASS",
  routing: "balanced",
};
const engine = { name: "trtllm", version: "1.2.0rc5" };
const b200 = () => builtinCatalog().chip("b200");

describe("moe-op reference kind", () => {
  it("runs the TRITON backend's own chain where the record asks for it (gpt-oss W4A16 on H100)", () => {
    const triton: MoeOpSpec = {
      ...spec,
      model: "gpt-oss-20b",
      hidden: 2880,
      expertIntermediate: 2880,
      experts: 32,
      topK: 4,
      tokens: 1024,
      ep: 1,
      weightScheme: "mxfp4-g32",
      math: "bf16",
      backend: "TRITON",
      backendChain: true,
    };
    const h100 = builtinCatalog().chip("h100-sxm");
    const ops = moeOpOperators(triton, engine, h100);
    const names = ops.map((op) => op.name);
    // matmul_ogs gathers its rows (no expansion, no argument setup); BF16 input: no quantisation.
    expect(names).not.toContain("moe.experts.expand");
    expect(names).not.toContain("moe.experts.gemm_setup");
    expect(names).not.toContain("moe.dispatch_quant");
    expect(ops.find((op) => op.name === "moe.experts.act")?.kernels).toBe(0);
    expect(ops.find((op) => op.name === "moe.combine")?.kernels).toBe(0);
    expect(ops.find((op) => op.name === "moe.experts.gate_up_proj")?.dtype).toBe("bf16");
    // Without backendChain the record keeps the engine's default (CUTLASS) chain.
    const plain = moeOpOperators({ ...triton, backendChain: undefined }, engine, h100).map((op) => op.name);
    expect(plain).toContain("moe.experts.expand");
  });

  it("spreads the rank's pairs one by one over its experts", () => {
    expect(balancedExpertTokens({ ...spec, tokens: 1 })).toEqual([1, ...Array(31).fill(0)]);
    expect(balancedExpertTokens({ ...spec, tokens: 64 })).toEqual(Array(32).fill(2));
    expect(balancedExpertTokens({ ...spec, tokens: 40 }).reduce((a, b) => a + b, 0)).toBe(40);
  });

  it("counts the timed rank's own pairs, also where it holds fewer pairs than the EP average", () => {
    // balanced_logits: one token picks experts 0, 32, …, 224; rank 0 of EP32 holds experts 0-7.
    expect(balancedExpertTokens({ ...spec, tokens: 1, ep: 32 })).toEqual([1, ...Array(7).fill(0)]);
    expect(balancedExpertTokens({ ...spec, tokens: 1, ep: 16 })).toEqual([1, ...Array(15).fill(0)]);
    // Two tokens at stride 32: token 1 starts at expert 16, outside EP16 rank 0's experts 0-15.
    expect(balancedExpertTokens({ ...spec, tokens: 2, ep: 16 })).toEqual([1, ...Array(15).fill(0)]);
  });

  it("builds the step's MoE operators of one layer without the router GEMM or shared experts", () => {
    const names = moeOpOperators(spec, engine, b200()).map((op) => op.name);
    expect(names).toContain("moe.topk");
    expect(names).toContain("moe.experts.sort");
    expect(names).toContain("moe.experts.gate_up_proj");
    expect(names).toContain("moe.experts.down_proj");
    expect(names).not.toContain("moe.router");
    expect(names.some((n) => n.startsWith("moe.shared"))).toBe(false);
    const gateUp = moeOpOperators(spec, engine, b200()).find((op) => op.name === "moe.experts.gate_up_proj");
    expect(gateUp?.shape?.groups).toBe(32);
    expect(gateUp?.dtype).toBe("fp4");
  });

  it("grows with the tokens and splits the intermediate under MoE TP", () => {
    const t = (s: MoeOpSpec) => moeOpTime(s, engine, b200());
    expect(t({ ...spec, tokens: 4096 })).toBeGreaterThan(t(spec));
    const down = moeOpOperators({ ...spec, tp: 2 }, engine, b200()).find(
      (op) => op.name === "moe.experts.down_proj",
    );
    expect(down?.shape?.k).toBe(1024);
  });

  it("names the field when the shape does not match the model", () => {
    expect(() => moeOpOperators({ ...spec, experts: 384 }, engine, b200())).toThrow(
      /experts 384 does not match model deepseek-v3 \(256\)/,
    );
  });

  it("adds the collector's PyTorch routing kernels above 128 experts on TensorRT-LLM before 1.3 only", () => {
    const names = (s: MoeOpSpec, e: { name: string; version?: string }) =>
      moeOpOperators(s, e, b200())
        .map((op) => op.name)
        .filter((n) => n.startsWith("moe.topk"));
    // DeepSeek-V3 (256 experts) through the CUTLASS backend: the fused top-k plus 4 PyTorch kernels.
    expect(names(spec, engine)).toEqual([
      "moe.topk",
      "moe.topk.pytorch-sort",
      "moe.topk.pytorch-indices-cast",
      "moe.topk.pytorch-values-cast",
      "moe.topk.pytorch-softmax",
    ]);
    // The min-latency backend routes inside its kernels; 128 experts fit the fused routing kernel;
    // from 1.3 the fused kernel takes up to 512 experts.
    expect(names({ ...spec, backend: "TRTLLM" }, engine)).toEqual(["moe.topk"]);
    const qwen3: MoeOpSpec = {
      ...spec,
      model: "qwen3-235b-a22b",
      hidden: 4096,
      expertIntermediate: 1536,
      experts: 128,
    };
    expect(names(qwen3, engine)).toEqual(["moe.topk"]);
    expect(names(spec, { name: "trtllm", version: "1.3.0rc20" })).toEqual(["moe.topk"]);
    const extra = moeOpTime(spec, engine, b200()) - moeOpTime({ ...spec, backend: "TRTLLM" }, engine, b200());
    expect(extra * 1e6).toBeCloseTo(8, 0);
  });

  it("walks the NVFP4 scale-factor padding of every local expert in the expansion and activation kernels", () => {
    const ops = moeOpOperators(spec, engine, b200());
    const walk = { items: 128 * 32, launchedItems: 64 * 8, blocksPerCore: 8 };
    for (const name of ["moe.experts.expand", "moe.experts.act"])
      expect(ops.find((op) => op.name === name)?.gridStrideWalk).toEqual(walk);
    // 4,096 padding rows on min(8 x 148, 4,096) = 1,184 blocks: 4 passes of 0.417 us.
    const expand = ops.find((op) => op.name === "moe.experts.expand");
    const profile = efficiencyProfileForChip(b200());
    expect(expand && gridStrideTime(expand, profile) * 1e6).toBeCloseTo(4 * 0.417, 6);
    // BF16 experts have no scale factors; the TRTLLM backend's own chain runs other kernels.
    const bf16 = moeOpOperators({ ...spec, weights: "bf16" }, engine, b200());
    expect(bf16.some((op) => op.gridStrideWalk !== undefined)).toBe(false);
    const gen = moeOpOperators({ ...spec, backend: "TRTLLM", backendChain: true }, engine, b200());
    expect(gen.some((op) => op.gridStrideWalk !== undefined)).toBe(false);
  });

  it("walks every local expert in DeepGEMM's grouped scheduler with FP8 block-scale experts on Hopper", () => {
    const h200 = builtinCatalog().chip("h200-sxm");
    const fp8: MoeOpSpec = { ...spec, tokens: 1, weights: "fp8" };
    const ops = moeOpOperators(fp8, engine, h200);
    const gemms = ops.filter((op) => op.class === "grouped-gemm");
    expect(gemms.map((op) => op.groupWalk)).toEqual([32, 32]);
    // Each GEMM pays its launch and 32 experts x 0.130 us.
    const profile = efficiencyProfileForChip(h200);
    const gateUp = gemms[0];
    const t = gateUp && operatorTime(gateUp, computeDevice(h200), profile);
    expect(t && (t.overheadS - profile.classes["grouped-gemm"].launchOverheadS.value) * 1e6).toBeCloseTo(
      32 * 0.13,
      6,
    );
    // FP8 per-tensor experts run CUTLASS's grouped GEMM, not DeepGEMM; NVFP4 has no walk either.
    const perTensor = moeOpOperators({ ...fp8, weightScheme: "per-tensor" }, engine, h200);
    expect(perTensor.some((op) => op.groupWalk !== undefined)).toBe(false);
    expect(moeOpOperators(spec, engine, b200()).some((op) => op.groupWalk !== undefined)).toBe(false);
  });

  it("runs SGLang's normal-mode chain from the dispatch's output where the record asks for it", () => {
    const deepep: MoeOpSpec = {
      ...spec,
      tokens: 65536,
      ep: 32,
      weights: "fp8",
      backend: "deep_gemm",
      kernels: "normal",
    };
    const sglang = { name: "sglang", version: "0.5.6" };
    const h100 = builtinCatalog().chip("h100-sxm");
    const names = moeOpOperators(deepep, sglang, h100).map((op) => op.name);
    // ep_scatter, the grouped GEMMs with the second input quantised, ep_gather in place of the weighted sum.
    expect(names).toEqual([
      "moe.experts.scatter",
      "moe.experts.gate_up_proj",
      "moe.experts.act",
      "moe.experts.down_proj.quant",
      "moe.experts.down_proj",
      "moe.experts.gather",
    ]);
    // Routing and the input's quantisation run before the dispatch: not in the op.
    const plain = moeOpOperators({ ...deepep, kernels: undefined }, sglang, h100).map((op) => op.name);
    expect(plain).toContain("moe.topk");
    expect(plain).toContain("moe.combine");
    expect(moeOpTime(deepep, sglang, h100)).toBeLessThan(
      moeOpTime({ ...deepep, kernels: undefined }, sglang, h100),
    );
  });
});
