import { describe, expect, it } from "vitest";
import { labelReferenceCases } from "./reference-labels.ts";
import { validate } from "./validate.ts";
import { endToEndCaseSpecs } from "./validate-end-to-end.ts";
import {
  summarizeBounds,
  summarizeByLabel,
  summarizeValidation,
  type ValidationRow,
} from "./validation-rows.ts";

const row = (id: string, relError: number, more: Partial<ValidationRow> = {}): ValidationRow => ({
  id,
  kind: "end-to-end",
  description: id,
  prediction: 1 + relError,
  published: 1,
  unit: "x",
  relError,
  source: "s",
  vendor: "V",
  role: "prediction",
  label: "evidence",
  group: id,
  sets: [],
  ...more,
});

describe("validation summary", () => {
  it("median and max of |relative error|, ignoring failed cases", () => {
    const s = summarizeValidation([
      row("a", 0.1),
      row("b", -0.3),
      row("c", 0.2),
      row("d", Number.NaN, { error: "boom" }),
    ]);
    expect(s.cases).toBe(3);
    expect(s.medianAbsRelError).toBeCloseTo(0.2, 12);
    expect(s.maxAbsRelError).toBeCloseTo(0.3, 12);
    expect(s.worst).toBe("b");
    expect(summarizeValidation([row("a", 0.1), row("b", -0.3)]).medianAbsRelError).toBeCloseTo(0.2, 12);
  });

  it("counts a group of duplicates once, with its first case's error", () => {
    const rows = [row("a", 0.1), row("a2", 0.5, { group: "a" }), row("b", 0.3)];
    const s = summarizeValidation(rows);
    expect(s.cases).toBe(2);
    expect(s.maxAbsRelError).toBeCloseTo(0.3, 12);
    // the duplicate alone (its first case filtered out) stands for the group
    expect(summarizeValidation([rows[1] as ValidationRow]).maxAbsRelError).toBeCloseTo(0.5, 12);
  });

  it("summarises each label per kind and per vendor", () => {
    const s = summarizeByLabel([
      row("a", 0.1, { vendor: "Huawei" }),
      row("b", 0.2, { vendor: "NVIDIA", kind: "fabric" }),
      row("c", 0.01, { label: "calibration" }),
    ]);
    expect(s.evidence.cases).toBe(2);
    expect(s.evidence.byKind.fabric.cases).toBe(1);
    expect(Object.keys(s.evidence.byVendor)).toEqual(["Huawei", "NVIDIA"]);
    expect(s.calibration.cases).toBe(1);
    expect(s.consistency.cases).toBe(0);
  });

  it("checks lower bounds as prediction >= published, a group once, with the largest shortfall", () => {
    const bound = { label: "bound" as const, bound: "lower" as const };
    const b = summarizeBounds([
      row("a", 0.5, bound),
      row("b", -0.2, bound),
      row("b2", -0.6, { ...bound, group: "b" }),
      row("c", -0.5, bound),
      row("e", -0.9),
    ]);
    expect(b.cases).toBe(3);
    expect(b.held).toBe(1);
    // c: published 1 against a prediction of 0.5, the published figure is 100 % above it.
    expect(b.maxShortfall).toBeCloseTo(1, 12);
    expect(b.worst).toBe("c");
    expect(summarizeBounds([row("a", 0, bound)])).toEqual({ cases: 1, held: 1, maxShortfall: 0 });
  });
});

describe("labels derived from the data", () => {
  const ledger = [{ file: "f.yaml", path: "x", value: 1, calibratedOn: ["b", "r"] }];

  it("evidence only for a prediction nothing was set from; a group takes its members' label", () => {
    const l = labelReferenceCases(
      [
        { id: "a", role: "prediction" },
        { id: "b", role: "prediction" },
        { id: "b2", role: "prediction", duplicateOf: "b" },
        { id: "c", role: "consistency" },
        { id: "r:part", role: "prediction" },
        { id: "z", role: "prediction" },
        { id: "z2", role: "consistency", duplicateOf: "z" },
        { id: "lo", role: "prediction", bound: "lower" },
        { id: "lo2", role: "prediction", duplicateOf: "lo" },
        { id: "r", role: "prediction", bound: "lower" },
      ],
      [...ledger, { file: "f.yaml", path: "y", value: 2, calibratedOn: ["nowhere"] }],
    );
    const label = (id: string) => l.byId.get(id)?.label;
    expect([label("a"), label("b"), label("b2"), label("c"), label("r:part"), label("z")]).toEqual([
      "evidence",
      "calibration",
      "calibration",
      "consistency",
      "calibration",
      "consistency",
    ]);
    // A lower bound is labelled bound (its group too), unless a value was set from it.
    expect([label("lo"), label("lo2"), label("r")]).toEqual(["bound", "bound", "calibration"]);
    expect(l.byId.get("b2")?.group).toBe("b");
    expect(l.byId.get("b2")?.sets).toEqual([{ file: "f.yaml", path: "x", value: 1 }]);
    expect(l.unknownIds).toEqual(["nowhere"]);
  });

  it("rejects a duplicate of a duplicate, a duplicate of nothing, and an id used twice", () => {
    const p = "prediction" as const;
    expect(() =>
      labelReferenceCases(
        [
          { id: "a", role: p },
          { id: "b", role: p, duplicateOf: "a" },
          { id: "c", role: p, duplicateOf: "b" },
        ],
        [],
      ),
    ).toThrow(/duplicateOf b, which itself duplicates a/);
    expect(() => labelReferenceCases([{ id: "a", role: p, duplicateOf: "x" }], [])).toThrow(/names no case/);
    expect(() =>
      labelReferenceCases(
        [
          { id: "a", role: p },
          { id: "a", role: p },
        ],
        [],
      ),
    ).toThrow(/used twice/);
  });
});

describe("validate", () => {
  const report = validate();
  const byId = new Map(report.rows.map((r) => [r.id, r]));

  it("runs every case, and every calibratedOn in the data names a case", () => {
    expect(report.summary.failed).toBe(0);
    expect(report.summary.unknownCalibrationIds).toEqual([]);
    expect(report.rows.filter((r) => r.kind === "end-to-end")).toHaveLength(endToEndCaseSpecs().length);
  });

  it("labels the CloudMatrix Table 7 CANN EP rows calibration, with the values they set", () => {
    const cann = report.rows.filter((r) => r.description.includes("CANN EP"));
    expect(cann).toHaveLength(24);
    for (const r of cann) {
      expect(r.label, r.id).toBe("calibration");
      expect(r.sets.map((v) => v.path)).toContain("libraries.cann-ep.outstandingTransfers");
    }
    expect(byId.get("cm384-017")?.sets.map((v) => v.path)).toContain("kernels.cann-ep.perCopyCostUs");
    // none of cm384-021..062 is evidence in its own right: the H800 rows count in DeepEP's groups
    for (const r of report.rows.filter((x) => /^cm384-0(2[1-9]|[3-5]\d|6[0-2])$/.test(x.id)))
      expect(r.label === "calibration" || r.group !== r.id, r.id).toBe(true);
  });

  it("labels the decode reference calibration (its imbalance option was chosen on it) and groups its TPOT", () => {
    expect(byId.get("cm384-106")?.label).toBe("calibration");
    expect(byId.get("cm384-106")?.sets[0]?.path).toBe("deployment.decode.expertImbalance");
    expect(byId.get("cm384-107")?.group).toBe("cm384-106");
    expect(byId.get("cm384-107")?.label).toBe("calibration");
    expect(byId.get("sgl-h100-decode-2k")?.label).toBe("evidence");
  });

  it("counts one published range once (NCCL ring 2..8 GPUs) and fitted records as calibration", () => {
    const ring = report.rows.filter((r) => r.id.startsWith("nccl-h100-ring-scaling:ring-"));
    expect(ring).toHaveLength(7);
    expect(new Set(ring.map((r) => r.group)).size).toBe(1);
    expect(byId.get("cm384-069")?.label).toBe("calibration");
    expect(byId.get("cm384-071")?.label).toBe("evidence");
    expect(byId.get("cm384-065")?.label).toBe("consistency");
    expect(byId.get("deepep-normal-intranode:dispatch")?.label).toBe("calibration");
    expect(byId.get("deepep-normal-internode:EP64:dispatch")?.label).toBe("evidence");
    expect(byId.get("deepep-normal-internode:EP32:dispatch")?.label).toBe("calibration");
  });

  it("summarises each label once per group, per kind and per vendor", () => {
    const s = report.summary;
    const groups = (label: string) =>
      new Set(report.rows.filter((r) => r.label === label).map((r) => r.group)).size;
    for (const label of ["evidence", "calibration", "consistency", "bound"] as const)
      expect(s.byLabel[label].cases, label).toBe(groups(label));
    // The bounds stay out of the all-label figures and have their own check.
    expect(s.cases).toBe(new Set(report.rows.filter((r) => r.label !== "bound").map((r) => r.group)).size);
    expect(s.bounds.cases).toBe(groups("bound"));
    expect(s.evidence).toEqual(s.byLabel.evidence);
    expect(s.byLabel.evidence.cases).toBeLessThan(s.rows);
    const e2e = s.byLabel.evidence.byKind["end-to-end"];
    expect(e2e.cases).toBe(
      groups("evidence") -
        new Set(
          report.rows.filter((r) => r.label === "evidence" && r.kind !== "end-to-end").map((r) => r.group),
        ).size,
    );
    expect(Object.keys(s.byLabel.evidence.byVendor).sort()).toEqual(["Huawei", "NVIDIA"]);
  });
});
