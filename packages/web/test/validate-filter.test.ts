/**
 * The Validate view's filter and order, checked in Node against core's own report (the shown
 * summary is core's `summarizeValidation` over the filtered rows).
 */
import { summarizeValidation, VALIDATION_KINDS, type ValidationRow } from "@supernode/core";
import { describe, expect, it } from "vitest";
import { sharedValidationReport } from "../../cli/src/test-support/shared-validation-report.ts";
import { filterRows, KIND_ORDER, readFilter, writeFilterParam } from "../src/views/validate-filter.ts";
import { sourceLabel } from "../src/views/validate-table.tsx";

const report = await sharedValidationReport();
const filter = (query: string) => readFilter(new URLSearchParams(query));

describe("Validate view filter", () => {
  it("orders every one of core's kinds", () => {
    expect([...KIND_ORDER].sort()).toEqual([...VALIDATION_KINDS].sort());
  });

  it("shows every case by default: end-to-end first, then fabric, then operator, each by |error| descending", () => {
    const rows = filterRows(report.rows, filter(""));
    expect(rows).toHaveLength(report.rows.length);
    expect(rows[0]?.kind).toBe("end-to-end");
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1] as ValidationRow;
      const b = rows[i] as ValidationRow;
      const ka = KIND_ORDER.indexOf(a.kind);
      const kb = KIND_ORDER.indexOf(b.kind);
      expect(ka).toBeLessThanOrEqual(kb);
      if (ka === kb) expect(Math.abs(a.relError)).toBeGreaterThanOrEqual(Math.abs(b.relError));
    }
  });

  it("filters by kind, evidence, threshold and text, and summarises the shown set exactly as core does", () => {
    const f = filter("kind=fabric&checks=evidence&outside=10");
    const rows = filterRows(report.rows, f);
    const expected = report.rows.filter(
      (r) => r.kind === "fabric" && r.label === "evidence" && Math.abs(r.relError) > 0.1,
    );
    expect(rows.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(summarizeValidation(rows)).toEqual(summarizeValidation(expected));
    // The evidence filter over every kind is core's own evidence summary.
    const { byKind: _byKind, byVendor: _byVendor, ...evidence } = report.summary.evidence;
    expect(summarizeValidation(filterRows(report.rows, filter("checks=evidence")))).toEqual(evidence);
    const { evidence: _evidence, ...operator } = report.summary.byKind.operator;
    expect(summarizeValidation(filterRows(report.rows, filter("kind=operator")))).toEqual(operator);
    const e2e = report.rows.find((r) => r.kind === "end-to-end");
    const byText = filterRows(report.rows, filter(`q=${encodeURIComponent(` ${e2e?.id.toUpperCase()} `)}`));
    expect(byText.map((r) => r.id)).toContain(e2e?.id);
    expect(byText.every((r) => `${r.id} ${r.description}`.toLowerCase().includes(e2e?.id ?? "?"))).toBe(true);
    expect(filterRows(report.rows, filter("q=no-such-case-anywhere"))).toHaveLength(0);
  });

  it("sorts by id and by |error| in both directions", () => {
    const ids = filterRows(report.rows, filter("sort=id&dir=asc")).map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    const desc = filterRows(report.rows, filter("sort=error&dir=desc")).map((r) => Math.abs(r.relError));
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    const asc = filterRows(report.rows, filter("sort=error&dir=asc")).map((r) => Math.abs(r.relError));
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
  });

  it("reads the URL leniently and drops default values from it", () => {
    expect(filter("kind=nonsense&checks=x&outside=abc&sort=zzz")).toEqual(filter(""));
    expect(filter("outside=12.5").outside).toBeCloseTo(0.125, 12);
    expect(filter("outside=-3").outside).toBeUndefined();
    const p = writeFilterParam(new URLSearchParams("kind=fabric&q=x"), "kind", "all");
    expect(p.toString()).toBe("q=x");
    expect(writeFilterParam(p, "q", "").toString()).toBe("");
  });

  it("labels a source compactly, keeping its citation and dropping its URLs", () => {
    const label = (text: string) => {
      const m = /https?:\/\/[^\s),]+/.exec(text);
      return sourceLabel(text, m?.[0] ?? "", m?.index ?? -1);
    };
    expect(
      label(
        "arXiv:2506.12708v2 (https://arxiv.org/abs/2506.12708v2; HTML https://arxiv.org/html/x) Table 1, Sec 3.2",
      ),
    ).toBe("arXiv:2506.12708v2 Table 1, Sec 3.2");
    expect(label("https://github.com/sgl-project/sgl-kernel-npu README 'Perf' (commit 060a3fa)")).toBe(
      "sgl-kernel-npu README 'Perf' (commit 060a3fa)",
    );
    expect(label("https://example.org/")).toBe("example.org");
    for (const r of report.rows) expect(label(r.source)).not.toMatch(/https?:\/\//);
  });
});
