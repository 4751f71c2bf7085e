import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { layerOperators, type ModelWorkload } from "../model/index.ts";
import { builtinModel } from "../model/zoo.ts";
import { computeDevice } from "../perf/index.ts";
import { mambaSsdScanData, mambaSsdScanS, megatronSsdOps, ssdBackwardFlopsRatio } from "./mamba-ssd-scan.ts";

const super3 = builtinModel("nemotron-3-super-120b-a12b");
const workload = (phase: "train-forward" | "train-backward"): ModelWorkload => ({
  phase,
  sequences: 1,
  tokens: 8192,
  attendedTokenPairs: (8192 * 8193) / 2,
});
// Layer 0 of Super's pattern is a Mamba-2 block ("MEMEMEM*E…").
const mambaOps = (phase: "train-forward" | "train-backward") =>
  layerOperators(super3, 0, workload(phase), { attentionTp: 2, ffnTp: 2 });

describe("the Mamba-2 SSD scan as Megatron-Core trains it", () => {
  it("reads a derived efficiency sourced to the kernels' H100 measurement", () => {
    const d = mambaSsdScanData().forwardEfficiency;
    expect(d.tag).toBe("derived");
    expect(d.source?.url).toContain("vllm-project/vllm/pull/27299");
    expect(d.calibratedOn).toBeUndefined();
    // 1.262e7 tokens/s × 128 heads × 66,080 FLOPs over 989.4 TFLOPS.
    expect(d.value).toBeCloseTo((1.262327e7 * 128 * 66080) / 989.4e12, 3);
  });

  it("counts mamba_ssm's backward, recompute included, at 2.68x the forward for Nemotron 3 Super", () => {
    const spec = super3.linearAttention;
    if (spec === undefined) throw new Error("Super has Mamba-2 layers");
    expect(spec.kind).toBe("mamba2");
    // c 128, N 128, P 64, 8 groups over 128 heads: 137,472 against 51,264 FLOPs per token and head.
    expect(ssdBackwardFlopsRatio(spec)).toBeCloseTo(137472 / 51264, 10);
  });

  it("replaces the scan's dgrad and wgrad by one backward of that many FLOPs", () => {
    const forward = mambaOps("train-forward").find((o) => o.name === "lin.ssd");
    const graph = mambaOps("train-backward");
    expect(graph.map((o) => o.name)).toContain("lin.ssd.wgrad");
    const ops = megatronSsdOps(graph, super3);
    expect(ops.map((o) => o.name).filter((n) => n.startsWith("lin.ssd"))).toEqual(["lin.ssd.backward"]);
    expect(ops).toHaveLength(graph.length - 1);
    const backward = ops.find((o) => o.name === "lin.ssd.backward");
    const spec = super3.linearAttention;
    if (spec === undefined) throw new Error("Super has Mamba-2 layers");
    const ratio = ssdBackwardFlopsRatio(spec);
    expect(backward?.flops).toBeCloseTo((forward?.flops ?? 0) * ratio, 0);
    expect(backward?.bytesWritten.weightGradients).toBe(0);
    // The other operators pass unchanged, in order.
    const others = (list: typeof graph) => list.filter((o) => !o.name.startsWith("lin.ssd"));
    expect(others(ops)).toEqual(others(graph));
  });

  it("leaves a model without Mamba-2 layers alone", () => {
    const qwen = builtinModel("qwen3-30b-a3b");
    const graph = layerOperators(qwen, 0, workload("train-backward"));
    expect(megatronSsdOps(graph, qwen)).toBe(graph);
  });

  it("times the scan and its backward at the efficiency of the BF16 peak, nothing else", () => {
    const device = computeDevice(builtinCatalog().chip("b200"));
    const peak = device.peakFlopsPerS.bf16?.value ?? 0;
    const eta = mambaSsdScanData().forwardEfficiency.value;
    const scan = mambaOps("train-forward").find((o) => o.name === "lin.ssd");
    if (scan === undefined) throw new Error("Mamba-2 layers have a scan");
    expect(mambaSsdScanS(scan, device)).toBeCloseTo(scan.flops / (eta * peak), 12);
    const [backward] = megatronSsdOps(mambaOps("train-backward"), super3).filter(
      (o) => o.name === "lin.ssd.backward",
    );
    if (backward === undefined) throw new Error("the scan has a backward");
    expect(mambaSsdScanS(backward, device)).toBeCloseTo(backward.flops / (eta * peak), 12);
    const inProj = mambaOps("train-forward").find((o) => o.name === "lin.in_proj");
    if (inProj === undefined) throw new Error("Mamba-2 layers have an in_proj");
    expect(mambaSsdScanS(inProj, device)).toBeUndefined();
  });
});
