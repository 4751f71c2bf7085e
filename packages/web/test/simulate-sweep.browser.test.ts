/**
 * Simulate's load sweep in Chromium: the section loads on opening, runs the scenario at the
 * chosen arrival rates in the worker and shows what core's simulator gives at each (the same job
 * run in Node): TTFT/TPOT percentile and SLO attainment charts, the points table and the max
 * load meeting the SLO; Cancel stops a sweep.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { encodeText } from "../src/app/route.ts";
import { loadSweepJob } from "../src/worker/jobs/load-sweep-job.ts";
import { describeInBrowser } from "./browser-harness.ts";

const FILE = "cloudmatrix384-deepseek-r1-serving.yaml";
// The shipped serving example with a 0.5 s TTFT SLO, so that the knee lies inside 30–240 requests/s.
const TEXT = readFileSync(join(import.meta.dirname, "../../../examples", FILE), "utf8").replace(
  "slo: { ttftS: 2, tpotS: 0.05 }",
  "slo: { ttftS: 0.5, tpotS: 0.05 }",
);

async function setField(page: Page, knob: string, value: string): Promise<void> {
  const input = page.locator(`input[data-knob="${knob}"]`);
  await input.fill(value);
  await input.press("Enter");
}

describeInBrowser("Simulate load sweep in Chromium", (harness) => {
  it("sweeps the arrival rate and marks the max load meeting the SLO, as core computes", async () => {
    expect(TEXT).toContain("ttftS: 0.5");
    const { page, errors } = await harness.open(`simulate?file=${FILE}&scenario=${encodeText(TEXT)}`);
    await page.locator("details.load-sweep-panel summary").click();
    await page.locator('input[data-knob="sweep.from"]').waitFor({ timeout: 30_000 });
    await setField(page, "sweep.from", "30");
    await setField(page, "sweep.to", "240");
    await setField(page, "sweep.points", "4");
    await setField(page, "sweep.requests", "200");
    await expect
      .poll(() => page.locator("[data-sweep-status]").innerText())
      .toBe("Rates: 30, 100, 170, 240 requests/s.");
    await page.getByRole("button", { name: "Run load sweep" }).click();
    const verdict = page.locator("[data-max-rate]");
    await verdict.waitFor({ timeout: 120_000 });
    const expected = loadSweepJob(
      { text: TEXT, fileName: FILE, ratesPerS: [30, 100, 170, 240], requests: 200, target: 0.9 },
      () => {},
    );
    expect(expected.maxRatePerS).toBeDefined();
    expect(await verdict.getAttribute("data-max-rate")).toBe(String(expected.maxRatePerS));
    expect(await verdict.innerText()).toContain(
      `Max load meeting the SLO: ${expected.maxRatePerS} requests/s`,
    );
    const rows = page.locator("table.sweep-table tbody tr");
    expect(await rows.count()).toBe(4);
    for (const [i, p] of expected.points.entries())
      expect(Number(await rows.nth(i).locator("td[data-attainment]").getAttribute("data-attainment"))).toBe(
        p.attainment,
      );
    expect(await page.locator(".load-sweep .chart svg").count()).toBe(3);
    const legend = await page.locator(".load-sweep .chart-legend").first().innerText();
    expect(legend).toContain("max load meeting the SLO");
    await harness.screenshot(page, "simulate-load-sweep");
    // On a phone the open sweep (fields, charts, table) does not widen the page.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth))
      .toBe(0);
    await harness.screenshot(page, "simulate-load-sweep-390");
    await page.setViewportSize({ width: 1440, height: 900 });

    // A long sweep is cancelled at once: the worker is stopped. A million requests per point keeps
    // every point seconds long (20,000 could finish between the progress bar and the click).
    await setField(page, "sweep.requests", "1000000");
    await page.getByRole("button", { name: "Run load sweep" }).click();
    await page.locator('[data-sweep-status="running"] progress').waitFor();
    await page.getByRole("button", { name: "Cancel sweep" }).click();
    await expect
      .poll(() => page.locator("[data-sweep-status]").getAttribute("data-sweep-status"))
      .toBe("cancelled");
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});
