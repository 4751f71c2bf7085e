/**
 * The Frontier view in Chromium: a quick search of the default decode scenario shows core's
 * frontier (the same job run here in Node: `searchDeployments` + `paretoFrontier`) and the best
 * deployment under the TPOT limit; a limit no deployment meets says so.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { frontierJob } from "../src/worker/jobs/frontier-job.ts";
import { describeInBrowser } from "./browser-harness.ts";

const FILE = "cloudmatrix384-deepseek-r1-decode.yaml";
const TEXT = readFileSync(join(import.meta.dirname, "../../../examples", FILE), "utf8");
const n0 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 });

describeInBrowser("Frontier view in Chromium", (harness) => {
  it("shows core's frontier and the best deployment under the TPOT limit", async () => {
    const expected = frontierJob({ text: TEXT, fileName: FILE, space: "quick", tpotS: 0.05 }, () => {});
    expect(expected.frontier.length).toBeGreaterThan(1);
    const { page, errors } = await harness.open("frontier");
    await page.getByRole("button", { name: "Search deployments" }).click();
    await page.locator('main [data-job-status="done"]').waitFor({ timeout: 90_000 });
    const rows = page.locator("table.frontier-table tbody tr");
    expect(await rows.count()).toBe(expected.frontier.length);
    expect(await rows.first().locator("th").innerText()).toBe(expected.frontier[0]?.label);
    expect(await page.locator('[data-kpi="frontier-best"] .kpi-number').innerText()).toBe(
      n0(expected.best?.tokensPerSPerChip ?? Number.NaN),
    );
    expect(await page.locator('[data-kpi="frontier-best"] .kpi-unit').innerText()).toBe(expected.best?.label);
    expect(await page.locator('[data-kpi="frontier-evaluated"] .kpi-number').innerText()).toBe(
      n0(expected.evaluated),
    );
    await harness.screenshot(page, "frontier");

    const limit = page.locator('input[data-knob="tpot"]');
    await limit.fill("0.5");
    await limit.press("Enter");
    await page.waitForURL(/tpot=0\.5/);
    await page.getByRole("button", { name: "Search deployments" }).click();
    await page.locator('[data-warning="no-slo"]').waitFor({ timeout: 90_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});
