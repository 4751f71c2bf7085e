/**
 * End-to-end tests of the web app in Debian's Chromium (one file per view; the split of the former
 * web-app.test.ts), the Topology view: the layout core computes for a system, and a collective's
 * flow-level link loads and a reference decode step's MoE dispatch as heat maps. A number the page
 * shows is checked against the same core function run here in Node; screenshots go to test-
 * artifacts/screenshots/.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { topologyJob } from "../src/worker/jobs/topology-job.ts";
import { describeInBrowser } from "./browser-harness.ts";
import { EXAMPLES, jobDone } from "./web-app-fixture.ts";

describeInBrowser("web app in Chromium", (harness) => {
  it("Topology: draws the layout core computes and redraws for another system", async () => {
    const { page, errors } = await harness.open("topology");
    await jobDone(page);
    const cm = topologyJob({ systemId: "cloudmatrix384" }).layout;
    const svg = page.locator("svg.topology-svg");
    expect(await svg.locator(".glyphs rect").count()).toBe(cm.glyphs.length);
    expect(await svg.locator(".bundles line:not(.hit)").count()).toBe(cm.bundles.length);
    await harness.screenshot(page, "topology-cloudmatrix384");
    await page.getByLabel("System").selectOption("gb200-nvl72");
    await page.waitForURL(/system=gb200-nvl72/);
    const nvl = topologyJob({ systemId: "gb200-nvl72" }).layout;
    await expect
      .poll(() => svg.locator(".bundles line:not(.hit)").count(), { timeout: 30_000 })
      .toBe(nvl.bundles.length);
    expect(await svg.locator(".glyphs rect").count()).toBe(nvl.glyphs.length);
    await harness.screenshot(page, "topology-gb200-nvl72");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("Topology: a collective colours the links with core's flow-level loads", async () => {
    const { page, errors } = await harness.open(
      "topology?system=gb200-nvl72&load=collective&op=all-reduce&mib=64&ranks=72",
    );
    await jobDone(page);
    const expected = topologyJob({
      systemId: "gb200-nvl72",
      load: { op: "all-reduce", bytes: 64 * 2 ** 20, ranks: 72 },
    });
    const summary = page.locator(".load-summary");
    await summary.waitFor();
    expect(Number(await summary.getAttribute("data-load-time"))).toBeCloseTo(
      expected.load?.summary.timeS ?? Number.NaN,
      12,
    );
    expect(await summary.innerText()).toContain(
      `${((expected.load?.summary.timeS ?? 0) * 1e6).toFixed(1)} µs`,
    );
    // Heat colours replace plane colours: every loaded bundle is drawn with an rgb() heat colour.
    const strokes = await page
      .locator("svg.topology-svg .bundles line:not(.hit)")
      .evaluateAll((lines) => lines.map((l) => l.getAttribute("stroke") ?? ""));
    expect(strokes.length).toBe(expected.layout.bundles.length);
    expect(strokes.every((c) => c.startsWith("rgb("))).toBe(true);
    // Identical rows (the same link in every plane) are merged into one with a count.
    const distinct = new Set(
      (expected.load?.summary.loadedLinks ?? []).map(
        (l) => `${l.label}|${l.tier}|${l.bytes}|${l.utilization}`,
      ),
    );
    expect(await page.locator("table.loaded-links tbody tr").count()).toBe(distinct.size);
    // Load by tier, busiest first, and the heat scale with its numbers.
    const tiers = expected.load?.byTier ?? [];
    expect(tiers.length).toBeGreaterThan(0);
    const tierRows = page.locator("table.tier-loads tbody tr");
    expect(await tierRows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-tier")))).toEqual(
      tiers.map((t) => t.tier),
    );
    expect(await tierRows.first().locator("td").nth(2).innerText()).toBe(
      `${((tiers[0]?.maxUtilisation ?? 0) * 100).toFixed(0)} %`,
    );
    expect(await page.locator(".heat-legend-ticks span").allInnerTexts()).toEqual([
      "0 %",
      "25 %",
      "50 %",
      "75 %",
      "100 %",
    ]);
    await harness.screenshot(page, "topology-all-reduce-heat");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("Topology: the MoE dispatch of a reference decode step as a heat map", async () => {
    const name = "gb200-nvl72-deepseek-r1-decode.yaml";
    const text = readFileSync(join(EXAMPLES, name), "utf8");
    const expected = topologyJob({ systemId: "gb200-nvl72", decodeStep: { text, fileName: name } });
    const { page, errors } = await harness.open(`topology?system=gb200-nvl72&load=decode&example=${name}`);
    await jobDone(page);
    const summary = page.locator(".load-summary");
    await summary.waitFor();
    expect(await summary.innerText()).toContain(expected.loadDescription ?? "missing");
    expect(Number(await summary.getAttribute("data-load-time"))).toBeCloseTo(
      expected.load?.summary.timeS ?? Number.NaN,
      12,
    );
    await harness.screenshot(page, "topology-decode-dispatch");
    expect(errors).toEqual([]);
    await page.close();
  });
});
