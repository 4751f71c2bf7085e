/**
 * End-to-end tests of the web app in Debian's Chromium (one file per view; the split of the former
 * web-app.test.ts), the Validate view: core's reference cases, and filters, sorting, a reload and
 * the text search giving the rows and the summary core computes (the whole ledger, in the page and
 * here in Node). A number the page shows is checked against the same core function run here in
 * Node; screenshots go to test-artifacts/screenshots/.
 */
import { summarizeValidation } from "@supernode/core";
import { expect, it } from "vitest";
import { validateJob } from "../src/worker/jobs/validate-job.ts";
import { describeInBrowser } from "./browser-harness.ts";
import { jobDone } from "./web-app-fixture.ts";

describeInBrowser("web app in Chromium", (harness) => {
  it("Validate: shows core's reference cases; filters change the rows and the summary to core's figures", async () => {
    const { page, errors } = await harness.open("validate");
    // Core's report here in Node while the page computes its own (the whole ledger, tens of seconds
    // of CPU each), so the two run at once: once the page's job has started, it has what it loads
    // from the server (which runs in this process, and answers nothing while Node computes).
    await page.locator('main [data-job-status="running"], main [data-job-status="done"]').first().waitFor();
    const report = validateJob();
    await jobDone(page);
    const bodyRows = page.locator("table.validate-table tbody tr");
    expect(await bodyRows.count()).toBe(report.rows.length);
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
  }, 300_000); // three validations of the whole ledger (two in the page, one here): minutes on a loaded machine
});
