/**
 * End-to-end tests of the web app in Debian's Chromium (one file per view; the split of the former
 * web-app.test.ts), the Validate view: core's reference cases, and filters, sorting, a reload and
 * the text search giving the rows and the summary core computes (the whole ledger, in the page and
 * here in Node). A number the page shows is checked against the same core function run here in
 * Node; screenshots go to test-artifacts/screenshots/. This is the one browser test whose page
 * computes the ledger in its own worker; the other views' tests get Node's (precomputed-validation.ts).
 */
import { summarizeValidation } from "@supernode/core";
import { expect, it } from "vitest";
import { sharedValidationReport } from "../../cli/src/test-support/shared-validation-report.ts";
import { filterRows, readFilter } from "../src/views/validate-filter.ts";
import { formatError, formatNumber } from "../src/views/validate-table.tsx";
import { describeInBrowser } from "./browser-harness.ts";
import { validationSource } from "./precomputed-validation.ts";
import { jobDone } from "./web-app-fixture.ts";

describeInBrowser("web app in Chromium", (harness) => {
  it("Validate: shows core's reference cases; filters change the rows and the summary to core's figures", async () => {
    const { page, errors } = await harness.open("validate", { validation: "in-page" });
    // Core's report as Node computed it for the test run (shared-validation-report.ts), while the
    // page computes its own in its worker (the whole ledger, tens of seconds of CPU).
    const report = await sharedValidationReport();
    await jobDone(page);
    const bodyRows = page.locator("table.validate-table tbody tr");
    expect(await bodyRows.count()).toBe(report.rows.length);
    // Every row the page computed is Node's, in the view's default order, with the same prediction,
    // error and label (the other browser tests show Node's report in place of the page's own).
    const cells = await bodyRows.evaluateAll((trs) =>
      trs.map((tr) =>
        ["predicted", "error", "check"].map((f) => tr.querySelector(`[data-field="${f}"]`)?.textContent),
      ),
    );
    const cases = await bodyRows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-case")));
    const expected = filterRows(report.rows, readFilter(new URLSearchParams()));
    expect(cases).toEqual(expected.map((r) => r.id));
    expect(cells).toEqual(
      expected.map((r) => [formatNumber(r.prediction), formatError(r.relError), r.label]),
    );
    // Default order: end-to-end first, the largest |error| at the top.
    const e2e = report.rows.filter((r) => r.kind === "end-to-end");
    const top = [...e2e].sort((a, b) => Math.abs(b.relError) - Math.abs(a.relError))[0];
    expect(await bodyRows.first().getAttribute("data-case")).toBe(top?.id);
    const first = report.rows[0];
    const row = page.locator(`table.validate-table tr[data-case="${first?.id}"]`).first();
    const sign = (first?.relError ?? 0) > 0 ? "+" : "";
    expect(await row.locator('[data-field="error"]').innerText()).toBe(
      `${sign}${((first?.relError ?? 0) * 100).toFixed(1)}%`,
    );
    expect(await row.locator('[data-field="check"]').innerText()).toBe(first?.label);
    expect(await row.locator(".source-cell a").getAttribute("title")).toContain("https://");
    const kpi = (id: string) => page.locator(`[data-kpi="${id}"] .kpi-number`).innerText();
    expect(await kpi("validate-median")).toBe(`${(report.summary.medianAbsRelError * 100).toFixed(1)}%`);
    await harness.screenshot(page, "validate");

    // Fabric evidence outside ±10 %: the rows and the summary are core's, computed here in Node.
    await page.getByLabel("Kind", { exact: true }).selectOption("fabric");
    await page.getByLabel("Checks", { exact: true }).selectOption("evidence");
    await page.getByLabel(/Outside ±/).fill("10");
    await page.waitForURL(/outside=10/);
    const shown = report.rows.filter(
      (r) => r.kind === "fabric" && r.label === "evidence" && Math.abs(r.relError) > 0.1,
    );
    const summary = summarizeValidation(shown);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(report.rows.length);
    await expect.poll(() => bodyRows.count()).toBe(shown.length);
    expect(await kpi("validate-shown")).toBe(String(shown.length));
    expect(await kpi("validate-median")).toBe(`${(summary.medianAbsRelError * 100).toFixed(1)}%`);
    expect(await kpi("validate-max")).toBe(`${(summary.maxAbsRelError * 100).toFixed(1)}%`);
    expect(await page.locator('[data-kpi="validate-max"] .kpi-unit').innerText()).toBe(summary.worst ?? "");
    // Sorting by id (a header button) orders the shown rows by id.
    await page.locator('button[data-sort="id"]').click();
    await page.waitForURL(/sort=id/);
    const ids = await bodyRows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-case") ?? ""));
    expect(ids).toEqual(shown.map((r) => r.id).sort());
    expect(await page.locator('th[aria-sort="ascending"]').innerText()).toContain("Case");
    await harness.screenshot(page, "validate-filtered");

    // The state is in the URL: a reload shows the same filtered set; the text search narrows it.
    // The reloaded page shows Node's report (the page's own was checked equal to it row by row
    // above) instead of computing the whole ledger a second time.
    await validationSource(page, "node");
    await page.reload();
    await jobDone(page);
    await expect.poll(() => bodyRows.count(), { timeout: 30_000 }).toBe(shown.length);
    const target = shown[0];
    await page.getByLabel(/Search/).fill(target?.id ?? "");
    await expect
      .poll(() => bodyRows.count())
      .toBe(shown.filter((r) => `${r.id} ${r.description}`.toLowerCase().includes(target?.id ?? "")).length);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000); // the whole ledger computed in the page: minutes on a loaded machine
});
