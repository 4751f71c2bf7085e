import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import type { Operator } from "../model/index.ts";
import { computeDevice, efficiencyProfile, operatorTime } from "../perf/index.ts";
import { perExpertQuantize, perExpertStreamsTime, TE_COMPUTE_STREAMS } from "./expert-gemm-loop.ts";

// The measurements below ran on an H200: the built-in H200 chip and its efficiency profile.
const h200 = builtinCatalog()
  .chips()
  .find((c) => c.id === "h200-sxm");
if (h200 === undefined) throw new Error("built-in chip h200-sxm missing");
const device = computeDevice(h200);
const profile = efficiencyProfile("h200-sxm");

/** One rank's Qwen3-30B expert GEMM in BF16: E experts of m rows, n × k weights. */
function experts(m: number, n: number, k: number, e: number): Operator {
  return {
    name: "moe.experts.gate_up_proj",
    class: "grouped-gemm",
    dtype: "bf16",
    flops: 2 * m * n * k * e,
    bytesRead: { weights: n * k * 2 * e, activations: m * k * 2 * e, kvCache: 0 },
    bytesWritten: { activations: m * n * 2 * e, kvCache: 0 },
    kernels: 1,
    shape: { m, n, k, groups: e },
  };
}

describe("perExpertStreamsTime (TE GroupedLinear: one cuBLAS GEMM per expert on 4 streams)", () => {
  it("matches the per-expert cuBLAS loop measured on one H200 within 20 % (scripts/device/moe-grouped-gemm.h200.jsonl)", () => {
    // Measured (single stream, CUDA-graph replay, listed clock): 16 experts, gate/up then down.
    const measured: [number, number, number, number][] = [
      [2048, 1536, 2048, 309.1e-6],
      [2048, 2048, 768, 191.1e-6],
      [8192, 1536, 2048, 1113.1e-6],
      [8192, 2048, 768, 728.6e-6],
    ];
    for (const [m, n, k, s] of measured) {
      const t = perExpertStreamsTime(experts(m, n, k, 16), device, profile) ?? 0;
      expect(t / s).toBeGreaterThan(0.8);
      expect(t / s).toBeLessThan(1.2);
    }
  });

  it("runs ⌈E/4⌉ rounds: 16 experts take about four times 4 experts", () => {
    const four = perExpertStreamsTime(experts(4096, 1536, 2048, TE_COMPUTE_STREAMS), device, profile) ?? 0;
    const sixteen = perExpertStreamsTime(experts(4096, 1536, 2048, 16), device, profile) ?? 0;
    expect(sixteen / four).toBeCloseTo(4, 6);
  });

  it("leaves every operator but a grouped GEMM to the caller", () => {
    const dense: Operator = { ...experts(4096, 1536, 2048, 1), class: "gemm" };
    expect(perExpertStreamsTime(dense, device, profile)).toBeUndefined();
    expect(operatorTime(dense, device, profile).timeS).toBeGreaterThan(0);
  });
});

describe("perExpertQuantize", () => {
  it("launches 3 kernels per expert under current scaling (amax, scale, cast) and 1 block-wise", () => {
    const q = { ...experts(4096, 1536, 2048, 16), class: "vector" as const, kernels: 2 };
    expect(perExpertQuantize(q, 16, "current").kernels).toBe(48);
    expect(perExpertQuantize(q, 16, "blockwise").kernels).toBe(16);
    expect(perExpertQuantize(q, 16, "current").bytesRead).toEqual(q.bytesRead);
  });
});
