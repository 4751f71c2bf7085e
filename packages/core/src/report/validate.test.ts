import { describe, expect, it } from "vitest";
import { validate } from "./validate.ts";
import { summarizeValidation, type ValidationRow } from "./validation-rows.ts";

const row = (id: string, relError: number, error?: string): ValidationRow => ({
  id,
  kind: "end-to-end",
  description: id,
  prediction: 1 + relError,
  published: 1,
  unit: "x",
  relError,
  source: "s",
  check: "prediction",
  ...(error !== undefined ? { error } : {}),
});

describe("validation summary", () => {
  it("median and max of |relative error|, ignoring failed cases", () => {
    const s = summarizeValidation([
      row("a", 0.1),
      row("b", -0.3),
      row("c", 0.2),
      row("d", Number.NaN, "boom"),
    ]);
    expect(s.cases).toBe(3);
    expect(s.medianAbsRelError).toBeCloseTo(0.2, 12);
    expect(s.maxAbsRelError).toBeCloseTo(0.3, 12);
    expect(s.worst).toBe("b");
    expect(summarizeValidation([row("a", 0.1), row("b", -0.3)]).medianAbsRelError).toBeCloseTo(0.2, 12);
  });

  it("end-to-end cases run through the same report as the microbenchmarks", () => {
    const report = validate({ kinds: ["end-to-end"] });
    expect(report.rows).toHaveLength(14);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.byKind["end-to-end"].cases).toBe(14);
    expect(report.summary.byKind.operator.cases).toBe(0);
  });

  it("marks each row's check and summarises the evidence rows (held-out, prediction) on their own", () => {
    const report = validate({ kinds: ["operator", "fabric"] });
    const byId = new Map(report.rows.map((r) => [r.id, r]));
    expect(byId.get("cm384-069")?.check).toBe("fitted");
    expect(byId.get("cm384-071")?.check).toBe("held-out");
    expect(byId.get("cm384-002")?.check).toBe("calibration");
    expect(byId.get("deepep-normal-intranode:dispatch")?.check).toBe("calibration");
    expect(byId.get("deepep-normal-internode:EP32:dispatch")?.check).toBe("prediction");
    const evidence = report.rows.filter((r) => r.check === "held-out" || r.check === "prediction");
    expect(report.summary.evidence.cases).toBe(evidence.length);
    expect(report.summary.evidence.cases).toBeLessThan(report.summary.cases);
    expect(report.summary.byKind.fabric.evidence.cases).toBe(
      evidence.filter((r) => r.kind === "fabric").length,
    );
  });
});
