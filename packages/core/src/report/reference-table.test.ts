import { describe, expect, it } from "vitest";
import { estimate } from "../perf/step-estimate.ts";
import { nearestReferences } from "./nearest-reference.ts";
import {
  joinReferenceTable,
  liveReferenceCandidates,
  type ReferenceTablePart,
  referenceTable,
  referenceTablePart,
  tableReferenceCandidates,
} from "./reference-table.ts";
import { scenarioCaseKey } from "./scenario-case.ts";
import { endToEndCaseScenario, endToEndCaseSpecs, predictEndToEndCase } from "./validate-end-to-end.ts";

describe("reference table", () => {
  // The table as the build stores it: through JSON and back.
  const table = JSON.parse(JSON.stringify(referenceTable())) as ReturnType<typeof referenceTable>;

  it("holds every end-to-end case with the live candidates' point, label and prediction", () => {
    const live = liveReferenceCandidates();
    expect(table.rows.map((r) => r.id)).toEqual(endToEndCaseSpecs().map((s) => s.id));
    const fromTable = tableReferenceCandidates(table);
    expect(fromTable.length).toBe(live.length);
    for (const [i, c] of live.entries()) {
      const t = fromTable[i];
      expect(t?.id).toBe(c.id);
      expect(t?.point).toEqual(c.point);
      expect([t?.label, t?.group, t?.metric, t?.published]).toEqual([
        c.label,
        c.group,
        c.metric,
        c.published,
      ]);
      expect(t?.predict()).toBe(c.predict());
    }
    // Both sides above read predictEndToEndCase's per-process memo (keyed by spec object): a copy of
    // a spec is predicted afresh, so the memo is checked against the step model itself.
    for (const id of ["cm384-106", "sgl-h100-decode-2k"]) {
      const spec = endToEndCaseSpecs().find((s) => s.id === id);
      if (spec === undefined) throw new Error(`case ${id} missing`);
      const fresh = predictEndToEndCase({ ...spec }, new Map()).predicted;
      expect(table.rows.find((r) => r.id === id)?.prediction).toBe(fresh);
    }
  });

  it("gives nearestReferences the same answer as computing the cases at the call", () => {
    // One scenario per kind of phase: decode (CloudMatrix384), prefill (SGLang H100).
    for (const id of [
      "cm384-106",
      "sgl-h100-decode-2k",
      endToEndCaseSpecs().find((s) => s.metric.startsWith("prefill"))?.id,
    ]) {
      const spec = endToEndCaseSpecs().find((s) => s.id === id);
      if (spec === undefined) throw new Error(`case ${id} missing`);
      const scenario = endToEndCaseScenario(spec);
      const e = estimate(scenario);
      const live = nearestReferences(scenario, e);
      expect(live.length).toBeGreaterThan(0);
      expect(nearestReferences(scenario, e, tableReferenceCandidates(table))).toEqual(live);
    }
  });

  it("comes back from its parts as the same JSON, each scenario run in one part", () => {
    // As the build computes it (reference-table-entry.ts): parts through JSON, joined, printed.
    const parts = [0, 1, 2].map(
      (i) => JSON.parse(JSON.stringify(referenceTablePart(i, 3))) as ReferenceTablePart,
    );
    expect(JSON.stringify(joinReferenceTable(parts))).toBe(JSON.stringify(referenceTable()));
    const specs = endToEndCaseSpecs();
    const partOfRun = new Map<string, number>();
    for (const [i, part] of parts.entries()) {
      expect(part.total).toBe(specs.length);
      expect(part.rows.length).toBeGreaterThan(0);
      expect(part.rows.map((r) => r.id)).toEqual(part.positions.map((p) => specs[p]?.id));
      for (const position of part.positions) {
        const spec = specs[position];
        if (spec === undefined) throw new Error(`position ${position} outside the cases`);
        const run = scenarioCaseKey(spec);
        expect(partOfRun.get(run) ?? i, run).toBe(i);
        partOfRun.set(run, i);
      }
    }
    const [a, b, c] = parts as [ReferenceTablePart, ReferenceTablePart, ReferenceTablePart];
    expect(() => joinReferenceTable([b, c])).toThrow(`${a.rows.length} of ${specs.length} rows missing`);
    expect(() => joinReferenceTable([a, a, b, c])).toThrow("in two parts");
    expect(() => referenceTablePart(3, 3)).toThrow("expected 0 <= index < count");
  });

  it("raises a case's error where the live computation raises it", () => {
    const [first, ...rest] = table.rows;
    if (first === undefined) throw new Error("empty table");
    const { point: _p, ...unparsed } = first;
    expect(() =>
      tableReferenceCandidates({ rows: [{ ...unparsed, pointError: "no such system" }, ...rest] }),
    ).toThrow("no such system");
    const { prediction: _x, ...unpredicted } = first;
    const [c] = tableReferenceCandidates({ rows: [{ ...unpredicted, predictionError: "does not fit" }] });
    expect(() => c?.predict()).toThrow("does not fit");
  });
});
