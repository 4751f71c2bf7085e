/**
 * The Estimate breakdown chart's bars can be told apart in Chromium: the chart's accessible name
 * lists every part of every phase with its time (from the view's own job run in Node), wide
 * segments carry their part's name, hovering a segment names it in the tooltip, and the breakdown
 * table shows each part's chart colour.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { breakdownSummary, partColor } from "../src/views/estimate-charts.ts";
import { estimateJob } from "../src/worker/jobs/estimate-job.ts";
import { describeInBrowser } from "./browser-harness.ts";

const DECODE = "cloudmatrix384-deepseek-r1-decode.yaml";
const TEXT = readFileSync(join(import.meta.dirname, "../../../examples", DECODE), "utf8");

function rgbOf(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

describeInBrowser("breakdown bars in Chromium", (harness) => {
  it("names every bar: accessible summary, segment labels, tooltip, table colours", async () => {
    const phases = estimateJob({ text: TEXT, fileName: DECODE }).phases;
    const decode = phases.find((p) => p.role === "decode");
    if (decode === undefined) throw new Error("no decode phase");
    const biggest = [...decode.breakdown].sort((a, b) => b.seconds - a.seconds)[0];
    if (biggest === undefined) throw new Error("empty breakdown");
    const summary = breakdownSummary(phases);
    expect(summary).toContain(`${biggest.label} ${(biggest.seconds * 1e3).toFixed(1)} ms`);
    expect(summary).not.toContain("NaN");

    const { page, errors } = await harness.open("estimate");
    await page.locator('main [data-job-status="done"]').first().waitFor({ timeout: 60_000 });
    const chart = page.locator('section[aria-label="Step-time breakdown"] .chart');
    await chart.locator("svg").waitFor();
    expect(await chart.getAttribute("aria-label")).toBe(summary);
    // The widest segment carries its name.
    await expect.poll(() => chart.locator("svg text").allTextContents()).toContain(biggest.label);
    // Hovering that segment names it in the tooltip.
    const fill = partColor(biggest.id);
    const segment = chart.locator(`svg path[fill="${fill}"]`).first();
    await chart.scrollIntoViewIfNeeded();
    const box = await segment.boundingBox();
    if (box === null) throw new Error("no segment of the biggest part");
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect
      .poll(() => chart.innerText(), { timeout: 10_000 })
      .toContain(`decode: ${biggest.label} ${(biggest.seconds * 1e3).toFixed(2)} ms`);
    // The breakdown table shows each part in its chart colour.
    const table = page.locator("table.breakdown-table").first();
    for (const b of decode.breakdown) {
      const swatch = table.locator(`tr[data-part="${b.id}"] .swatch`);
      expect(await swatch.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
        rgbOf(partColor(b.id)),
      );
    }
    await harness.screenshot(page, "estimate-breakdown");
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
