/**
 * Compare in Chromium marks the basis of every figure visibly: each figure's evidence tag, and for
 * power and per-watt rows the power basis (GB300 NVL72's accelerator-TDP lower bound beside the
 * all-in estimates), with the ratios of rows that mix bases flagged — as compareJob computes them.
 * The Estimate breakdown keeps each part's colour across scenarios.
 */
import { expect, it } from "vitest";
import { partColor } from "../src/views/estimate-charts.ts";
import { compareJob } from "../src/worker/jobs/compare-job.ts";
import { describeInBrowser } from "./browser-harness.ts";

const SYSTEMS = ["cloudmatrix384", "gb200-nvl72", "gb300-nvl72"];

describeInBrowser("figure bases in Chromium", (harness) => {
  it("shows every figure's tag and the power basis, flagging ratios across bases", async () => {
    const expected = compareJob({ systemIds: SYSTEMS });
    const power = expected.groups.flatMap((g) => g.rows).find((r) => r.id === "powerW");
    expect(power?.mixedBasis).toBe(true);
    expect(power?.cells[2]?.basis).toBe("accelerator TDP sum (lower bound)");
    expect(power?.cells[0]?.basis).toBe("all-in estimate");
    const { page, errors } = await harness.open(`compare?systems=${SYSTEMS.join(",")}`);
    await page.locator('main [data-job-status="done"]').waitFor({ timeout: 60_000 });
    const row = page.locator('tr[data-row="powerW"]');
    for (const [i, id] of SYSTEMS.entries()) {
      const cell = row.locator(`td[data-system="${id}"]`);
      expect(await cell.locator(".basis").innerText()).toBe(power?.cells[i]?.basis);
      expect(await cell.locator(".basis-tag").innerText()).toBe(power?.cells[i]?.source?.tag);
    }
    expect(await row.getAttribute("class")).toBe("mixed-basis");
    expect(await row.locator("td.ratio .basis").first().innerText()).toBe("bases differ");
    // Rows outside power carry no basis, but every sourced figure shows its tag.
    const bf16 = page.locator('tr[data-row="peakFlopsPerS.bf16"]');
    expect(await bf16.locator(".basis").count()).toBe(0);
    expect(await bf16.locator(".basis-tag").count()).toBe(SYSTEMS.length);
    await harness.screenshot(page, "compare-bases");
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("gives each breakdown part one colour in every scenario", () => {
    expect(partColor("experts")).toBe(partColor("experts"));
    const ids = [
      "norms",
      "attention",
      "dense-ffn",
      "moe-gate",
      "experts",
      "dispatch",
      "combine",
      "head",
      "mtp",
    ];
    expect(new Set(ids.map(partColor)).size).toBe(ids.length);
  });
});
