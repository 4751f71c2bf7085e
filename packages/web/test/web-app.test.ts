/**
 * End-to-end tests of the web app in Debian's Chromium: each view loads, a changed setting shows
 * the numbers core computes (checked against the same core functions run here in Node), an
 * invalid scenario shows the CLI's message, and screenshots go to test-artifacts/screenshots/.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { summarizeValidation } from "@supernode/core";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { writeKnob } from "../src/app/scenario-doc.ts";
import { compareJob } from "../src/worker/jobs/compare-job.ts";
import { estimateJob } from "../src/worker/jobs/estimate-job.ts";
import { simulateJob } from "../src/worker/jobs/simulate-job.ts";
import { topologyJob } from "../src/worker/jobs/topology-job.ts";
import { validateJob } from "../src/worker/jobs/validate-job.ts";
import { describeInBrowser } from "./browser-harness.ts";

const EXAMPLES = join(import.meta.dirname, "../../../examples");
const DECODE = "cloudmatrix384-deepseek-r1-decode.yaml";

async function jobDone(page: Page, scope = "main"): Promise<void> {
  await page.locator(`${scope} [data-job-status="done"]`).first().waitFor({ timeout: 120_000 });
}

function kpiText(value: number, digits: number): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

describeInBrowser("web app in Chromium", (harness) => {
  it("serves the app and switches views by keyboard, keeping the view in the URL", async () => {
    const { page, errors } = await harness.open("compare");
    await expect.poll(() => page.title()).toBe("Compare · Supernode");
    await page.getByRole("link", { name: "Validate" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/#\/validate/);
    // The URL changes before React renders the lazily loaded view: poll, as a user would wait.
    await expect.poll(() => page.locator("main").getAttribute("data-view")).toBe("validate");
    await page.goBack();
    await page.waitForURL(/#\/compare/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("Compare: shows core's figures with sources; adding a system adds core's column", async () => {
    const { page, errors } = await harness.open("compare");
    await jobDone(page);
    const expected = compareJob({ systemIds: ["cloudmatrix384", "gb200-nvl72"] });
    const bf16 = expected.groups.flatMap((g) => g.rows).find((r) => r.id === "peakFlopsPerS.bf16");
    const row = page.locator('tr[data-row="peakFlopsPerS.bf16"]');
    expect(await row.locator('td[data-system="cloudmatrix384"] .sourced-value').innerText()).toBe(
      bf16?.cells[0]?.text,
    );
    expect(await row.locator('td[data-system="gb200-nvl72"] .sourced-value').innerText()).toBe(
      bf16?.cells[1]?.text,
    );
    expect(await row.locator("td.ratio").first().innerText()).toBe(bf16?.ratios[0]);
    // The source of a figure shows on keyboard focus.
    await row.locator('td[data-system="cloudmatrix384"] .sourced-value').focus();
    const tip = row.locator('td[data-system="cloudmatrix384"] [role="tooltip"]');
    await tip.waitFor({ state: "visible" });
    expect(await tip.locator("a").first().getAttribute("href")).toMatch(/^https?:\/\//);
    expect(await page.locator(".chart svg").count()).toBe(4);
    await harness.screenshot(page, "compare");

    await page.locator('input[data-system="hgx-h100"]').check();
    await page.waitForURL(/hgx-h100/);
    const cell = row.locator('td[data-system="hgx-h100"] .sourced-value');
    await cell.waitFor();
    const withH100 = compareJob({ systemIds: ["cloudmatrix384", "gb200-nvl72", "hgx-h100"] });
    const h100 = withH100.groups.flatMap((g) => g.rows).find((r) => r.id === "peakFlopsPerS.bf16");
    expect(await cell.innerText()).toBe(h100?.cells[2]?.text);
    await harness.screenshot(page, "compare-three-systems");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("Compare: an unknown system in a shared link shows core's message, not a blank page", async () => {
    let message = "";
    try {
      compareJob({ systemIds: ["cloudmatrix384", "gb200-nvl27"] });
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toMatch(/unknown system "gb200-nvl27"/);
    const { page, errors } = await harness.open("compare?systems=cloudmatrix384,gb200-nvl27");
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.locator(".error-message").textContent()).toBe(message);
    expect(await page.locator('input[data-system="cloudmatrix384"]').isChecked()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

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

  it("Estimate: shows core's estimate, and a changed knob shows core's new numbers and the delta", async () => {
    const text = readFileSync(join(EXAMPLES, DECODE), "utf8");
    const { page, errors } = await harness.open("estimate");
    await jobDone(page);
    const before = estimateJob({ text, fileName: DECODE }).phases.find((p) => p.role === "decode");
    const perChip = page.locator('[data-kpi="decode-tokens-per-chip"] .kpi-number');
    expect(await perChip.innerText()).toBe(kpiText(before?.tokensPerSPerChip ?? Number.NaN, 0));
    expect(await page.locator('[data-kpi="decode-latency"] .kpi-number').innerText()).toBe(
      kpiText((before?.latencyS ?? Number.NaN) * 1e3, 1),
    );
    await harness.screenshot(page, "estimate");

    await page.locator('input[data-knob="deployment.decode.batchPerChip"]').fill("64");
    const after = estimateJob({
      text: writeKnob(text, ["deployment", "decode", "batchPerChip"], 64),
      fileName: DECODE,
    }).phases.find((p) => p.role === "decode");
    const expectedText = kpiText(after?.tokensPerSPerChip ?? Number.NaN, 0);
    expect(expectedText).not.toBe(kpiText(before?.tokensPerSPerChip ?? Number.NaN, 0));
    await expect.poll(() => perChip.innerText(), { timeout: 30_000 }).toBe(expectedText);
    await jobDone(page);
    expect(await page.locator('[data-kpi="decode-tokens-per-chip"] .delta').innerText()).toMatch(
      /^[+-]\d+\.\d%$/,
    );
    expect(await page.locator("textarea.scenario-editor").inputValue()).toContain("batchPerChip: 64");
    await harness.screenshot(page, "estimate-batch-64");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("Estimate: an invalid scenario shows the message the CLI gives", async () => {
    const text = readFileSync(join(EXAMPLES, DECODE), "utf8");
    const broken = text.replace("batchPerChip: 96", "batchPerChip: -3");
    let message = "";
    try {
      estimateJob({ text: broken, fileName: DECODE });
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toContain(DECODE);
    const { page, errors } = await harness.open("estimate");
    await jobDone(page);
    await page.locator("textarea.scenario-editor").fill(broken);
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.locator(".error-message").innerText()).toBe(message);
    await harness.screenshot(page, "estimate-invalid");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("Estimate: imports and exports the CLI's YAML, and a copied URL reproduces the view", async () => {
    const text = readFileSync(join(EXAMPLES, "cloudmatrix384-deepseek-r1-prefill.yaml"), "utf8");
    const { page, errors } = await harness.open("estimate");
    await jobDone(page);
    await page.getByTestId("scenario-file").setInputFiles({
      name: "my-prefill.yaml",
      mimeType: "application/yaml",
      buffer: Buffer.from(text),
    });
    await page.waitForURL(/file=my-prefill\.yaml/);
    expect(await page.locator("textarea.scenario-editor").inputValue()).toBe(text);
    const expected = estimateJob({ text, fileName: "my-prefill.yaml" }).phases.find(
      (p) => p.role === "prefill",
    );
    const perChip = page.locator('[data-kpi="prefill-tokens-per-chip"] .kpi-number');
    await expect
      .poll(() => perChip.textContent(), { timeout: 30_000 })
      .toBe(kpiText(expected?.tokensPerSPerChip ?? Number.NaN, 0));

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("my-prefill.yaml");
    const path = await file.path();
    expect(readFileSync(path, "utf8")).toBe(text);

    const shared = await harness.open(page.url().slice(page.url().indexOf("#/") + 2));
    await jobDone(shared.page);
    expect(await shared.page.locator('[data-kpi="prefill-tokens-per-chip"] .kpi-number').textContent()).toBe(
      kpiText(expected?.tokensPerSPerChip ?? Number.NaN, 0),
    );
    expect(errors).toEqual([]);
    expect(shared.errors).toEqual([]);
    await shared.page.close();
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

  it("Validate: shows core's reference cases; filters change the rows and the summary to core's figures", async () => {
    const { page, errors } = await harness.open("validate");
    await jobDone(page);
    const report = validateJob();
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
  });

  it("Simulate: runs core's serving simulator with progress; a new seed (written to the YAML) shows core's new numbers", async () => {
    const { page, errors } = await harness.open("simulate");
    const setKnob = async (knob: string, value: string) => {
      const input = page.locator(`input[data-knob="${knob}"]`);
      await input.fill(value);
      await input.press("Enter");
    };
    await setKnob("workload.requests", "1500");
    await setKnob("workload.seed", "3");
    const editor = page.locator("textarea.scenario-editor");
    await expect.poll(() => editor.inputValue()).toMatch(/seed: 3/);
    const text = await editor.inputValue();
    expect(text).toMatch(/^workload:/m);
    expect(text).toMatch(/requests: 1500/);
    // A 1,500-request run can go from running to done between two of Playwright's polls (it missed
    // the state on a loaded machine), so the page itself records whether a running progress bar was
    // ever in the DOM, and the test asserts that after the job is done.
    await page.evaluate(() => {
      const seen = window as unknown as { sawRunningProgress: boolean };
      seen.sawRunningProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-job-status="running"] progress')) seen.sawRunningProgress = true;
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByRole("button", { name: "Run simulation" }).click();
    await jobDone(page);
    expect(
      await page.evaluate(() => (window as unknown as { sawRunningProgress: boolean }).sawRunningProgress),
    ).toBe(true);
    const fileName = "cloudmatrix384-deepseek-r1-serving.yaml";
    const expected = simulateJob({ text, fileName }, () => {});
    const kpi = (id: string) => page.locator(`[data-kpi="${id}"] .kpi-number`).textContent();
    expect(await kpi("completed")).toBe(kpiText(expected.requests.completed, 0));
    expect(await kpi("ttft-p99")).toBe(kpiText(expected.ttftS.p99 * 1e3, 1));
    expect(await kpi("tpot-p50")).toBe(kpiText(expected.tpotS.p50 * 1e3, 1));
    expect(await kpi("slo")).toBe(kpiText(expected.slo.attainment * 100, 1));
    expect(await page.locator(".chart svg").count()).toBe(3);
    await harness.screenshot(page, "simulate");

    await setKnob("workload.seed", "4");
    await expect.poll(() => editor.inputValue()).toMatch(/seed: 4/);
    await page.getByRole("button", { name: "Run simulation" }).click();
    await jobDone(page);
    const reseeded = simulateJob({ text: await editor.inputValue(), fileName }, () => {});
    expect(await kpi("ttft-p99")).toBe(kpiText(reseeded.ttftS.p99 * 1e3, 1));
    // Seed 0 is a seed (as on the CLI's --seed), not "unset".
    await setKnob("workload.seed", "0");
    await expect.poll(() => editor.inputValue(), { timeout: 5_000 }).toMatch(/seed: 0/);
    expect(await page.locator('input[data-knob="workload.seed"]').inputValue()).toBe("0");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("Simulate: Cancel stops a long run at once, and a scenario without a workload shows the CLI's message", async () => {
    const { page, errors } = await harness.open("simulate");
    const requests = page.locator('input[data-knob="workload.requests"]');
    await requests.fill("5000000");
    await requests.press("Enter");
    await expect
      .poll(() => page.locator("textarea.scenario-editor").inputValue())
      .toMatch(/requests: 5000000/);
    const run = page.getByRole("button", { name: "Run simulation" });
    await run.click();
    await page.locator('[data-job-status="running"]').waitFor();
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.locator(`[data-job-status="cancelled"]`).waitFor({ timeout: 15_000 });
    expect(await run.isEnabled()).toBe(true);

    const decode = readFileSync(join(EXAMPLES, DECODE), "utf8");
    let message = "";
    try {
      simulateJob({ text: decode, fileName: DECODE }, () => {});
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toContain("no workload section");
    await page.getByLabel("Reference scenario").selectOption(DECODE);
    await page.waitForURL(/file=cloudmatrix384-deepseek-r1-decode\.yaml/);
    await run.click();
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.locator(".error-message").textContent()).toBe(message);
    await harness.screenshot(page, "simulate-no-workload");
    expect(errors).toEqual([]);
    await page.close();
  });
});
