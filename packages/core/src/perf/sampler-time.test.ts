import { describe, expect, it } from "vitest";
import { engineProfile } from "../deploy/engine-profile.ts";
import type { EngineSampler } from "../deploy/index.ts";
import { samplerTimeS } from "./sampler-time.ts";

const pts = (list: [number, number][]) =>
  list.map(([batch, ms]) => ({ batch, vocab: 131072, timeS: ms / 1e3 }));
const sampler: EngineSampler = {
  kind: "torch-sort",
  measurements: [
    {
      chipId: "big",
      fp32FlopsPerS: 75e12,
      bandwidthBytesPerS: 7.7e12,
      points: pts([
        [128, 2.0],
        [512, 6.0],
      ]),
    },
    {
      chipId: "small",
      fp32FlopsPerS: 60e12,
      bandwidthBytesPerS: 4.8e12,
      points: pts([
        [1, 0.2],
        [8, 0.4],
        [128, 2.5],
        [512, 7.0],
      ]),
    },
  ],
  rest: {
    chipId: "small",
    fp32FlopsPerS: 60e12,
    bandwidthBytesPerS: 4.8e12,
    points: pts([
      [1, 0.1],
      [512, 0.6],
    ]),
  },
};
const big = { id: "big", fp32FlopsPerS: 75e12, bandwidthBytesPerS: 7.7e12 };
const small = { id: "small", fp32FlopsPerS: 60e12, bandwidthBytesPerS: 4.8e12 };

describe("samplerTimeS", () => {
  it("gives a measured chip its own points, the rest scaled by HBM bandwidth from its chip", () => {
    const t = samplerTimeS(sampler, 128, 131072, big);
    expect(t.topPS).toBeCloseTo(2.0e-3, 12);
    expect(t.measuredOn).toBe("big");
    expect(samplerTimeS(sampler, 512, 131072, small).topPS).toBeCloseTo(7.0e-3, 12);
    expect(samplerTimeS(sampler, 512, 131072, small).restS).toBeCloseTo(0.6e-3, 12);
    expect(samplerTimeS(sampler, 512, 131072, big).restS).toBeCloseTo((0.6e-3 * 4.8) / 7.7, 12);
  });
  it("interpolates piecewise-linearly between measured batches", () => {
    expect(samplerTimeS(sampler, 320, 131072, big).topPS).toBeCloseTo(4.0e-3, 12);
    expect(samplerTimeS(sampler, 68, 131072, small).topPS).toBeCloseTo(((0.4 + 2.5) / 2) * 1e-3, 12);
    expect(samplerTimeS(sampler, 0, 131072, big).topPS).toBe(0);
  });
  it("outside a chip's batches follows the shape of the chip measured there, anchored at the end point", () => {
    // small: 0.4 ms at 8 against 2.5 at 128; big anchors at its 2.0 ms at 128.
    expect(samplerTimeS(sampler, 8, 131072, big).topPS).toBeCloseTo((2.0 * 0.4) / 2.5 / 1e3, 12);
    // Past every measurement: time per row of the last point.
    expect(samplerTimeS(sampler, 1024, 131072, small).topPS).toBeCloseTo(14e-3, 12);
  });
  it("scales an unmeasured chip from the measured chip nearest in FP32 throughput", () => {
    const near = samplerTimeS(sampler, 128, 131072, {
      id: "x",
      fp32FlopsPerS: 80e12,
      bandwidthBytesPerS: 8e12,
    });
    expect(near.measuredOn).toBe("big");
    expect(near.topPS).toBeCloseTo((2.0e-3 * 75) / 80, 12);
    const slow = samplerTimeS(sampler, 128, 131072, {
      id: "y",
      fp32FlopsPerS: 20e12,
      bandwidthBytesPerS: 2e12,
    });
    expect(slow.measuredOn).toBe("small");
    expect(slow.topPS).toBeCloseTo(2.5e-3 * 3, 12);
    expect(slow.restS).toBeCloseTo(((0.1 + (127 / 511) * 0.5) * 1e-3 * 4.8) / 2, 12);
  });
  it("scales linearly in the vocabulary", () => {
    const base = samplerTimeS(sampler, 200, 131072, small);
    const twice = samplerTimeS(sampler, 200, 2 * 131072, small);
    expect(twice.topPS).toBeCloseTo(2 * base.topPS, 12);
    expect(twice.restS).toBeCloseTo(2 * base.restS, 12);
  });
  it("names the chip file when an unmeasured chip lists no FP32 peak", () => {
    expect(() => samplerTimeS(sampler, 8, 131072, { id: "z", bandwidthBytesPerS: 1e12 })).toThrow(
      /data\/chips\/z\.yaml lists no peakTflops\.fp32/,
    );
  });
});

describe("engine sampler data", () => {
  it("vLLM 0.11.1 sorts with top-p, measured on B200 and H200, and samples greedily without a sampler cost", () => {
    const topP = engineProfile({ name: "vllm", version: "0.11.1", sampling: "top-p" }).sampler;
    expect(topP?.kind).toBe("torch-sort");
    expect(topP?.measurements.map((m) => m.chipId)).toEqual(["b200", "h200-sxm"]);
    expect(topP?.measurements[1]?.points.map((p) => p.batch)).toEqual([1, 8, 32, 64, 128, 256, 512]);
    expect(topP?.rest?.chipId).toBe("h200-sxm");
    expect(engineProfile({ name: "vllm", version: "0.11.1", sampling: "greedy" }).sampler).toBeUndefined();
    expect(engineProfile({ name: "vllm", version: "0.11.1" }).sampler).toBeUndefined();
  });
  it("the two measured chips agree with FP32 scaling within 10 %, not with HBM scaling", () => {
    const vllm = engineProfile({ name: "vllm", sampling: "top-p" }).sampler;
    const [b200, h200] = vllm?.measurements ?? [];
    if (b200 === undefined || h200 === undefined) throw new Error("two measurements expected");
    const h200Chip = { id: h200.chipId, bandwidthBytesPerS: h200.bandwidthBytesPerS };
    for (const rows of [128, 512]) {
      const onB200 = samplerTimeS(vllm as EngineSampler, rows, 131072, {
        id: "b200",
        bandwidthBytesPerS: 0,
      }).topPS;
      const onH200 = samplerTimeS(vllm as EngineSampler, rows, 131072, { ...h200Chip }).topPS;
      const fp32 = (b200.fp32FlopsPerS ?? 0) / (h200.fp32FlopsPerS ?? 1);
      const hbm = b200.bandwidthBytesPerS / h200.bandwidthBytesPerS;
      expect(Math.abs(onH200 / onB200 / fp32 - 1)).toBeLessThan(0.1);
      expect(Math.abs(onH200 / onB200 / hbm - 1)).toBeGreaterThan(0.25);
    }
  });
  it("SGLang's FlashInfer sampler is an order of magnitude cheaper than vLLM's sort at batch 128", () => {
    const sgl = engineProfile({ name: "sglang", sampling: "top-p" }).sampler;
    const vllm = engineProfile({ name: "vllm", sampling: "top-p" }).sampler;
    expect(sgl?.kind).toBe("flashinfer");
    if (sgl === undefined || vllm === undefined) throw new Error("no sampler recorded");
    const b200 = { id: "b200", fp32FlopsPerS: 75e12, bandwidthBytesPerS: 7.7e12 };
    const at = (s: EngineSampler) => {
      const t = samplerTimeS(s, 128, 151936, b200);
      return t.topPS + t.restS;
    };
    expect(at(vllm) / at(sgl)).toBeGreaterThan(10);
  });
  it("TensorRT-LLM records no sampler (its own GPU kernels; no published cost)", () => {
    expect(engineProfile({ name: "trtllm", sampling: "top-p" }).sampler).toBeUndefined();
  });
});
