/**
 * The end-to-end ledger in parts: which cases a part holds, and what adopting a part does. The
 * parts' predictions themselves are the memo's (a ledger worker predicts every case once), so the
 * test that predicts parts is in validate-end-to-end.test.ts, a file of the `ledger` project.
 */
import { describe, expect, it } from "vitest";
import { caseRunsPart } from "./case-runs-part.ts";
import { adoptEndToEndPredictions, adoptReferenceTablePredictions } from "./end-to-end-parts.ts";
import type { OperatingPoint } from "./operating-point.ts";
import {
  adoptEndToEndPrediction,
  type EndToEndCaseSpec,
  endToEndCaseSpecs,
  predictEndToEndCase,
} from "./validate-end-to-end.ts";

const run = (scenario: string, ...overrides: string[]) => ({ scenario, overrides });

describe("caseRunsPart", () => {
  it("puts every case of a scenario run in the part of the run's first appearance, runs dealt in turn", () => {
    // Runs in order of first appearance: a (0), a+x (1), b (2), c (3).
    const specs = [run("a"), run("a", "x"), run("b"), run("a"), run("c"), run("b"), run("a", "x")];
    expect(caseRunsPart(specs, 0, 2, "t")).toEqual([0, 2, 3, 5]);
    expect(caseRunsPart(specs, 1, 2, "t")).toEqual([1, 4, 6]);
    expect(caseRunsPart(specs, 0, 3, "t")).toEqual([0, 3, 4]);
    expect(caseRunsPart(specs, 2, 3, "t")).toEqual([2, 5]);
    expect(caseRunsPart(specs, 0, 1, "t")).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("refuses an index outside 0 … count − 1 or a count below 1", () => {
    expect(() => caseRunsPart([], 2, 2, "the thing")).toThrow(
      "the thing part 2 of 2: expected 0 <= index < count, whole numbers",
    );
    expect(() => caseRunsPart([], 0, 0, "t")).toThrow("expected 0 <= index < count");
    expect(() => caseRunsPart([], 0.5, 2, "t")).toThrow("expected 0 <= index < count");
  });
});

describe("adopting end-to-end predictions", () => {
  const point = { system: "s", chip: "c", model: "m", phase: "decode" } as unknown as OperatingPoint;

  it("a case's adopted value and point are its prediction: the case is not estimated", () => {
    // A scenario that does not exist: estimating the case would throw.
    const spec = {
      ...(endToEndCaseSpecs()[0] as EndToEndCaseSpec),
      id: "adopted-test-case",
      scenario: "no-such-reference-scenario",
    };
    expect(() => predictEndToEndCase({ ...spec })).toThrow("no built-in reference scenario");
    adoptEndToEndPrediction(spec, 1234.5, point);
    const c = predictEndToEndCase(spec);
    expect(c.predicted).toBe(1234.5);
    expect(c.point).toBe(point);
    expect([c.id, c.scenario, c.metric, c.published]).toEqual([
      spec.id,
      spec.scenario,
      spec.metric,
      spec.published,
    ]);
    // A second adoption does not replace the first.
    adoptEndToEndPrediction(spec, 1, point);
    expect(predictEndToEndCase(spec).predicted).toBe(1234.5);
  });

  it("refuses a prediction for an unknown case or one computed for another scenario, metric or value", () => {
    const spec = endToEndCaseSpecs()[0] as EndToEndCaseSpec;
    const key = `${spec.scenario}|${spec.overrides.join("|")}|${spec.metric}|${spec.published}`;
    expect(() => adoptEndToEndPredictions([{ id: "no-such-case", key, predicted: 1, point }])).toThrow(
      "end-to-end prediction for no-such-case: no such case in references/end-to-end.yaml",
    );
    expect(() => adoptEndToEndPredictions([{ id: spec.id, key: `${key}0`, predicted: 1, point }])).toThrow(
      `end-to-end prediction for ${spec.id} was computed for "${key}0", but the case here is "${key}"`,
    );
  });
});

describe("adopting a reference table's predictions", () => {
  const point = { system: "s" } as unknown as OperatingPoint;
  const rowOf = (spec: EndToEndCaseSpec) => ({
    id: spec.id,
    metric: spec.metric,
    description: spec.description,
    published: spec.published,
    unit: spec.unit,
    label: "evidence" as const,
    group: spec.id,
    point,
    prediction: 1,
  });

  it("refuses a row for an unknown case or one whose metric, published value or unit differ", () => {
    const spec = endToEndCaseSpecs()[0] as EndToEndCaseSpec;
    expect(() => adoptReferenceTablePredictions({ rows: [{ ...rowOf(spec), id: "no-such-case" }] })).toThrow(
      "reference table row no-such-case: no such case in references/end-to-end.yaml",
    );
    expect(() =>
      adoptReferenceTablePredictions({ rows: [{ ...rowOf(spec), published: spec.published * 2 }] }),
    ).toThrow(
      `reference table row ${spec.id} is "${spec.metric}|${spec.published * 2}|${spec.unit}", but the case here is "${spec.metric}|${spec.published}|${spec.unit}"`,
    );
  });
});
