/**
 * The Estimate view in Chromium shows energy and cost beside the throughput figures: the numbers
 * core's estimateEnergy gives (via the view's job, run here in Node), and the assumptions table.
 * Screenshot: test-artifacts/screenshots/estimate-energy.png.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { estimateJob } from "../src/worker/jobs/estimate-job.ts";
import { describeInBrowser } from "./browser-harness.ts";

const EXAMPLES = join(import.meta.dirname, "../../../examples");
const DECODE = "cloudmatrix384-deepseek-r1-decode.yaml";
const fixed = (x: number, d: number) =>
  x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

describeInBrowser("Estimate view energy in Chromium", (harness) => {
  it("shows W per chip, J per output token, tokens/s per kW and $ per million tokens, with the assumptions", async () => {
    const text = readFileSync(join(EXAMPLES, DECODE), "utf8");
    const expected = estimateJob({ text, fileName: DECODE }).phases.find((p) => p.role === "decode")?.energy;
    expect(expected).toBeDefined();
    const { page, errors } = await harness.open("estimate");
    await page.locator('main [data-job-status="done"]').first().waitFor({ timeout: 60_000 });
    const kpi = (id: string) => page.locator(`[data-kpi="${id}"] .kpi-number`).innerText();
    expect(await kpi("decode-watts-per-chip")).toBe(fixed(expected?.wattsPerChip ?? Number.NaN, 0));
    expect(await kpi("decode-joules-per-token")).toBe(fixed(expected?.joulesPerToken ?? Number.NaN, 3));
    expect(await kpi("decode-tokens-per-kw")).toBe(fixed(expected?.tokensPerSPerKW ?? Number.NaN, 0));
    expect(await kpi("decode-usd-per-mtok")).toBe(fixed(expected?.usdPerMillionTokens ?? Number.NaN, 3));
    await page.getByText(/Power and cost assumptions/).click();
    expect(await page.locator('[data-assumption="accelerator.tdpW"]').count()).toBe(1);
    await harness.screenshot(page, "estimate-energy");
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
