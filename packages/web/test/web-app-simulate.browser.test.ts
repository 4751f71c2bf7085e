/**
 * End-to-end tests of the web app in Debian's Chromium (one file per view; the split of the former
 * web-app.test.ts), the Simulate view: core's serving simulator with progress and a new seed,
 * Cancel, and a scenario without a workload. A number the page shows is checked against the same
 * core function run here in Node; screenshots go to test-artifacts/screenshots/.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { simulateJob } from "../src/worker/jobs/simulate-job.ts";
import { describeInBrowser } from "./browser-harness.ts";
import { DECODE } from "./estimate-fixture.ts";
import { EXAMPLES, jobDone, kpiText } from "./web-app-fixture.ts";

describeInBrowser("web app in Chromium", (harness) => {
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
