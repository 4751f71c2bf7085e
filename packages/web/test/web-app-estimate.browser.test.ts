/**
 * End-to-end tests of the web app in Debian's Chromium (one file per view; the split of the former
 * web-app.test.ts), the Estimate view: core's estimate and the delta of a changed knob, an invalid
 * scenario's CLI message, YAML import and export, and a copied URL. A number the page shows is
 * checked against the same core function run here in Node; screenshots go to test-
 * artifacts/screenshots/.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { writeKnob } from "../src/app/scenario-doc.ts";
import { estimateJob } from "../src/worker/jobs/estimate-job.ts";
import { describeInBrowser } from "./browser-harness.ts";
import { DECODE } from "./estimate-fixture.ts";
import { EXAMPLES, jobDone, kpiText } from "./web-app-fixture.ts";

describeInBrowser("web app in Chromium", (harness) => {
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
    // What the editor held when the app wrote each new history entry: the address must not name
    // the imported file before the page shows it (route.ts writes it after the render).
    await page.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { editorAtPush: seen });
      const push = window.history.pushState.bind(window.history);
      window.history.pushState = (data, unused, url) => {
        seen.push(
          document.querySelector<HTMLTextAreaElement>("textarea.scenario-editor")?.value ?? "(no editor)",
        );
        push(data, unused, url);
      };
    });
    await page.getByTestId("scenario-file").setInputFiles({
      name: "my-prefill.yaml",
      mimeType: "application/yaml",
      buffer: Buffer.from(text),
    });
    // The import is shown when the editor holds the file's text (the address is written after that
    // render: route.ts), then the URL names the file.
    await expect
      .poll(() => page.locator("textarea.scenario-editor").inputValue(), { timeout: 30_000 })
      .toBe(text);
    expect(new URL(page.url()).hash).toMatch(/file=my-prefill\.yaml/);
    expect(await page.evaluate(() => (window as unknown as { editorAtPush: string[] }).editorAtPush)).toEqual(
      [text],
    );
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
});
