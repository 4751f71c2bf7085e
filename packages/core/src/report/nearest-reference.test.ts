import { describe, expect, it } from "vitest";
import { estimate } from "../perf/step-estimate.ts";
import { nearestReference, nearestReferences, referenceMetricOf } from "./nearest-reference.ts";
import { type OperatingPoint, operatingPoint, pointDistance } from "./operating-point.ts";
import { endToEndCaseScenario, endToEndCaseSpecs } from "./validate-end-to-end.ts";
import type { ValidationRow } from "./validation-rows.ts";

const point = (more: Partial<OperatingPoint> = {}): OperatingPoint => ({
  system: "hgx-h100",
  chip: "h100-sxm",
  vendor: "NVIDIA",
  model: "deepseek-v3",
  phase: "decode",
  batchPerChip: 128,
  kvLength: 4096,
  ...more,
});

describe("pointDistance", () => {
  it("is zero for the same point, symmetric, infinite across phases, and adds per mismatch and per octave", () => {
    const a = point();
    expect(pointDistance(a, a)).toBe(0);
    const b = point({ chip: "h200-sxm", system: "hgx-h200", batchPerChip: 32 });
    expect(pointDistance(a, b)).toBeCloseTo(2 + 1 + 0.5 * 2, 12);
    expect(pointDistance(b, a)).toBe(pointDistance(a, b));
    expect(pointDistance(a, point({ phase: "prefill" }))).toBe(Number.POSITIVE_INFINITY);
    expect(pointDistance(a, point({ vendor: "Huawei" }))).toBeGreaterThan(
      pointDistance(a, point({ model: "x" })),
    );
  });
});

describe("nearest reference case", () => {
  const row = (
    id: string,
    metric: string,
    p: OperatingPoint,
    label: ValidationRow["label"],
  ): ValidationRow => ({
    id,
    kind: "end-to-end",
    description: id,
    prediction: 1.1,
    published: 1,
    unit: "x",
    relError: 0.1,
    source: "s",
    vendor: p.vendor,
    role: "prediction",
    label,
    group: id,
    sets: [],
    metric,
    point: p,
  });

  it("takes the same kind of metric, the nearest point, and evidence on a tie", () => {
    const rows = [
      row("tpot-near", "tpot-ms", point(), "evidence"),
      row("far", "decode-tokens-per-s-per-chip", point({ batchPerChip: 16 }), "evidence"),
      row("near-cal", "decode-tokens-per-s-per-chip", point({ batchPerChip: 96 }), "calibration"),
      row("near-ev", "decode-tokens-per-s-per-node", point({ batchPerChip: 96 }), "evidence"),
    ];
    const n = nearestReference(point(), "decode-throughput", rows);
    expect(n?.caseId).toBe("near-ev");
    expect(n?.differences).toEqual(["batch per chip 96, not 128"]);
    expect(nearestReference(point(), "tpot", rows)?.caseId).toBe("tpot-near");
    expect(nearestReference(point(), "prefill-throughput", rows)).toBeUndefined();
    expect(referenceMetricOf("prefill-tokens-per-s-per-node")).toBe("prefill-throughput");
  });

  it("finds a reference scenario's own case at distance 0, with its label and the model's error there", () => {
    const spec = endToEndCaseSpecs().find((s) => s.id === "sgl-h100-decode-2k");
    if (spec === undefined) throw new Error("sgl-h100-decode-2k missing");
    const scenario = endToEndCaseScenario(spec);
    const refs = nearestReferences(scenario, estimate(scenario));
    const decode = refs.find((r) => r.result === "decode-throughput");
    expect(decode?.caseId).toBe("sgl-h100-decode-2k");
    expect(decode?.distance).toBe(0);
    expect(decode?.label).toBe("evidence");
    expect(decode?.relError).toBeCloseTo(((decode?.prediction ?? 0) - 22282) / 22282, 12);
    expect(operatingPoint(scenario, "decode").batchPerChip).toBe(256);
  });

  it("an offline scenario gets the nearest offline case beside its offline output tokens/s, not beside decode tokens/s", () => {
    expect(referenceMetricOf("offline-search-output-tokens-per-s-per-instance")).toBe("offline-throughput");
    expect(referenceMetricOf("offline-output-tokens-per-s-per-chip")).toBe("offline-throughput");
    const spec = endToEndCaseSpecs().find((s) => s.id === "trtllm-po-70b-h200-1000-1000");
    if (spec === undefined) throw new Error("trtllm-po-70b-h200-1000-1000 missing");
    const scenario = endToEndCaseScenario(spec);
    const refs = nearestReferences(scenario, estimate(scenario));
    const offline = refs.find((r) => r.result === "offline-throughput");
    expect(offline?.caseId).toBe("trtllm-po-70b-h200-1000-1000");
    expect(offline?.distance).toBe(0);
    expect(refs.find((r) => r.result === "decode-throughput")?.caseId).not.toMatch(/^trtllm-po-/);
  });
});
