import { describe, expect, it } from "vitest";
import { summarizeValidation, type ValidationRow, validate } from "./validate.ts";

const row = (id: string, relError: number, error?: string): ValidationRow => ({
  id,
  kind: "end-to-end",
  description: id,
  prediction: 1 + relError,
  published: 1,
  unit: "x",
  relError,
  source: "s",
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
    expect(report.rows).toHaveLength(10);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.byKind["end-to-end"].cases).toBe(10);
    expect(report.summary.byKind.operator.cases).toBe(0);
  });
});
