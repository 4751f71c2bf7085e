import { describe, expect, it } from "vitest";
import { engineProfile } from "../deploy/engine-profile.ts";
import type { EngineSampler } from "../deploy/index.ts";
import { samplerTimeS } from "./sampler-time.ts";

const sampler: EngineSampler = {
  kind: "torch-sort",
  points: [
    { batch: 128, vocab: 131072, timeS: 2.318e-3 },
    { batch: 512, vocab: 131072, timeS: 6.15e-3 },
  ],
  measuredBandwidthBytesPerS: 7.7e12,
};

describe("samplerTimeS", () => {
  it("gives the measured time at a measured point on the measured chip", () => {
    expect(samplerTimeS(sampler, 128, 131072, 7.7e12)).toBeCloseTo(2.318e-3, 9);
    expect(samplerTimeS(sampler, 512, 131072, 7.7e12)).toBeCloseTo(6.15e-3, 9);
  });
  it("interpolates between batches and keeps the end points' time per row outside them", () => {
    expect(samplerTimeS(sampler, 320, 131072, 7.7e12)).toBeCloseTo((2.318e-3 + 6.15e-3) / 2, 9);
    expect(samplerTimeS(sampler, 64, 131072, 7.7e12)).toBeCloseTo(2.318e-3 / 2, 9);
    expect(samplerTimeS(sampler, 1024, 131072, 7.7e12)).toBeCloseTo(2 * 6.15e-3, 9);
    expect(samplerTimeS(sampler, 0, 131072, 7.7e12)).toBe(0);
  });
  it("scales linearly in the vocabulary and inversely in HBM bandwidth", () => {
    const base = samplerTimeS(sampler, 200, 131072, 7.7e12);
    expect(samplerTimeS(sampler, 200, 2 * 131072, 7.7e12)).toBeCloseTo(2 * base, 12);
    expect(samplerTimeS(sampler, 200, 131072, 3.35e12)).toBeCloseTo((base * 7.7) / 3.35, 12);
  });
});

describe("engine sampler data", () => {
  it("vLLM 0.11.1 sorts with top-p and samples greedily without a sampler cost", () => {
    const topP = engineProfile({ name: "vllm", version: "0.11.1", sampling: "top-p" }).sampler;
    expect(topP?.kind).toBe("torch-sort");
    expect(topP?.points.map((p) => p.batch)).toEqual([128, 512]);
    expect(engineProfile({ name: "vllm", version: "0.11.1", sampling: "greedy" }).sampler).toBeUndefined();
    expect(engineProfile({ name: "vllm", version: "0.11.1" }).sampler).toBeUndefined();
  });
  it("SGLang's FlashInfer sampler is an order of magnitude cheaper than vLLM's sort at batch 128", () => {
    const sgl = engineProfile({ name: "sglang", sampling: "top-p" }).sampler;
    const vllm = engineProfile({ name: "vllm", sampling: "top-p" }).sampler;
    expect(sgl?.kind).toBe("flashinfer");
    if (sgl === undefined || vllm === undefined) throw new Error("no sampler recorded");
    expect(samplerTimeS(vllm, 128, 151936, 7.7e12) / samplerTimeS(sgl, 128, 151936, 7.7e12)).toBeGreaterThan(
      10,
    );
  });
  it("TensorRT-LLM records no sampler (its own GPU kernels; no published cost)", () => {
    expect(engineProfile({ name: "trtllm", sampling: "top-p" }).sampler).toBeUndefined();
  });
});
