/**
 * Simulate as a capacity planner uses it, in Chromium: workload knobs edit the YAML (no hidden
 * override), an overloaded run is flagged (SLO attainment and growing waits, computed here in Node
 * by the same job and warning rules), the previous run is kept and the deltas say so, and the
 * run downloads as CSV, JSON and a Chrome trace.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { runWarnings } from "../src/views/simulate-warnings.ts";
import { simulateJob } from "../src/worker/jobs/simulate-job.ts";
import { describeInBrowser } from "./browser-harness.ts";

const FILE = "cloudmatrix384-deepseek-r1-serving.yaml";

async function setKnob(page: Page, knob: string, value: string, expectInYaml: RegExp): Promise<void> {
  const input = page.locator(`input[data-knob="${knob}"]`);
  await input.fill(value);
  await input.press("Enter");
  await expect.poll(() => page.locator("textarea.scenario-editor").inputValue()).toMatch(expectInYaml);
}

async function runOnce(page: Page): Promise<string> {
  const text = await page.locator("textarea.scenario-editor").inputValue();
  await page.getByRole("button", { name: "Run simulation" }).click();
  await page.locator('main [data-job-status="done"]').waitFor({ timeout: 90_000 });
  return text;
}

async function downloadText(page: Page, button: string): Promise<{ name: string; text: string }> {
  const pending = page.waitForEvent("download");
  await page.getByRole("button", { name: button }).click();
  const file = await pending;
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8") };
}

describeInBrowser("Simulate for capacity planning in Chromium", (harness) => {
  it("flags an overload, keeps the previous run for comparison and exports the run", async () => {
    const { page, errors } = await harness.open("simulate");
    await setKnob(page, "workload.requests", "800", /requests: 800\b/);
    await setKnob(page, "workload.arrival.ratePerS", "600", /ratePerS: 600\b/);
    const overloaded = await runOnce(page);
    const heavy = simulateJob({ text: overloaded, fileName: FILE }, () => {});
    const expected = runWarnings(heavy);
    expect(expected.map((w) => w.id)).toContain("slo");
    expect(expected.map((w) => w.id)).toContain("overload");
    for (const w of expected) expect(await page.locator(`[data-warning="${w.id}"]`).innerText()).toBe(w.text);
    expect(await page.locator(".baseline-note").getAttribute("data-previous")).toBe("none");
    await harness.screenshot(page, "simulate-overload");

    const csv = await downloadText(page, "Requests CSV");
    const lines = csv.text.trim().split("\n");
    expect(csv.name).toBe("cloudmatrix384-deepseek-r1-serving-requests.csv");
    expect(lines[0]).toBe("request,arrival_s,ttft_s,e2e_s,prompt_tokens,output_tokens,tpot_s");
    expect(lines.length - 1).toBe(heavy.requests.arrived);
    const json = JSON.parse((await downloadText(page, "Run JSON")).text);
    expect(json.requests.completed).toBe(heavy.requests.completed);
    const trace = JSON.parse((await downloadText(page, "Chrome trace (Perfetto)")).text);
    const slices = trace.traceEvents.filter((e: { ph: string }) => e.ph === "X");
    expect(slices.length).toBe(2 * heavy.requests.completed);

    // A lighter load: the overload warning goes, and deltas are against the kept run.
    await setKnob(page, "workload.arrival.ratePerS", "60", /ratePerS: 60\b/);
    const light = await runOnce(page);
    const calm = simulateJob({ text: light, fileName: FILE }, () => {});
    expect(runWarnings(calm).some((w) => w.id === "overload")).toBe(false);
    expect(await page.locator('[data-warning="overload"]').count()).toBe(0);
    expect(await page.locator(".baseline-note").getAttribute("data-previous")).toBe("kept");
    expect(await page.locator(".baseline-note").innerText()).toContain("workload.arrival.ratePerS 600 → 60");
    const d = calm.ttftS.p99 / heavy.ttftS.p99 - 1;
    expect(await page.locator('[data-kpi="ttft-p99"] .delta').innerText()).toBe(
      `${d > 0 ? "+" : ""}${(d * 100).toFixed(1)}%`,
    );
    expect(await page.locator('[data-kpi="ttft-p99"] .delta').getAttribute("title")).toBe(
      "change against the previous run",
    );
    await harness.screenshot(page, "simulate-previous-run");
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});
