import { describe, expect, it } from "vitest";
import { builtinModel } from "../model/zoo.ts";
import { activationBytesPerToken } from "./activation-memory.ts";
import { modelStateBytes } from "./training-memory.ts";

const GB = 1e9;

describe("model-state memory (ZeRO paper, arXiv:1910.02054 Figure 1: Ψ = 7.5B, Nd = 64, K = 12)", () => {
  const mixed = { params: "bf16", gradients: "bf16", optimizerStates: "fp32", masterWeights: true } as const;
  const total = (zero: 0 | 1 | 2 | 3) => {
    const b = modelStateBytes(7.5e9, { ...mixed, zero, shards: 64 });
    return (b.params + b.gradients + b.optimizer) / GB;
  };
  // The paper's published per-device figures: 120 GB baseline, 31.4 GB (Pos), 16.6 GB (Pos+g), 1.9 GB (Pos+g+p).
  it.each([
    [0, 120],
    [1, 31.4],
    [2, 16.6],
    [3, 1.9],
  ] as const)("ZeRO stage %i matches the paper's %s GB within 5 %", (zero, published) => {
    expect(Math.abs(total(zero) / published - 1)).toBeLessThan(0.05);
  });

  it("shards only what the stage shards", () => {
    const z1 = modelStateBytes(1e9, { ...mixed, zero: 1, shards: 8 });
    expect(z1.params).toBe(2e9);
    expect(z1.gradients).toBe(2e9);
    expect(z1.optimizer).toBe(12e9 / 8);
  });
});

describe("activation memory per layer", () => {
  const llama = builtinModel("llama-3.1-70b");
  const h = llama.hiddenSize;
  it("a Llama-3-70B layer keeps about Korthikanti's 34·s·b·h bytes (GPT layer, no recompute)", () => {
    const bytes = activationBytesPerToken(llama, "dense", {
      tp: 1,
      sequenceParallel: false,
      recompute: "none",
    });
    expect(bytes / h).toBeCloseTo(33.5, 1);
    expect(Math.abs(bytes / (34 * h) - 1)).toBeLessThan(0.05);
  });
  it("sequence parallelism divides everything by tp; full recompute keeps the layer input only", () => {
    const one = activationBytesPerToken(llama, "dense", {
      tp: 1,
      sequenceParallel: false,
      recompute: "none",
    });
    const sp = activationBytesPerToken(llama, "dense", { tp: 8, sequenceParallel: true, recompute: "none" });
    expect(sp).toBeCloseTo(one / 8, 6);
    const full = activationBytesPerToken(llama, "dense", {
      tp: 8,
      sequenceParallel: true,
      recompute: "full",
    });
    expect(full).toBe((2 * h) / 8);
    const selective = activationBytesPerToken(llama, "dense", {
      tp: 8,
      sequenceParallel: true,
      recompute: "selective",
    });
    expect(selective).toBeLessThan(sp);
    expect(selective).toBeGreaterThan(full);
  });
  it("FP8 training keeps GEMM inputs as their FP8 copies and the attention output twice (BF16 + FP8)", () => {
    const o = { tp: 1, sequenceParallel: false, recompute: "none" } as const;
    const bf16 = activationBytesPerToken(llama, "dense", o);
    const fp8 = activationBytesPerToken(llama, "dense", { ...o, fp8: true });
    const a = llama.attention;
    const out = a.kind === "gqa" ? a.numHeads * a.headDim : 0;
    // Two norm outputs (h each) and SwiGLU's output (I) at 1 byte instead of 2; +1 byte of output copy.
    expect(bf16 - fp8).toBeCloseTo(2 * h + llama.denseIntermediateSize - out, 6);
    // Under selective recompute the dropped tensors were the FP8-able ones: only the copy remains.
    const sel = { ...o, recompute: "selective" } as const;
    expect(activationBytesPerToken(llama, "dense", { ...sel, fp8: true })).toBeCloseTo(
      activationBytesPerToken(llama, "dense", sel) + out,
      6,
    );
  });
  it("an FP8 MoE layer keeps each routed copy's expert input in one byte", () => {
    const q = builtinModel("qwen3-30b-a3b");
    const o = { tp: 1, sequenceParallel: false, recompute: "none" } as const;
    const m = q.moe;
    const a = q.attention;
    if (m === undefined || a.kind !== "gqa") throw new Error("qwen3-30b-a3b is a GQA MoE model");
    const saved =
      activationBytesPerToken(q, "moe", o) - activationBytesPerToken(q, "moe", { ...o, fp8: true });
    const expected =
      2 * q.hiddenSize + m.topK * (q.hiddenSize + m.expertIntermediateSize) - a.numHeads * a.headDim;
    expect(saved).toBeCloseTo(expected, 6);
  });
});
