import { expect, it } from "vitest";
import { sharedValidationReport } from "../../cli/src/test-support/shared-validation-report.ts";
import { describeInBrowser } from "./browser-harness.ts";
import { DECODE, decodeAt, deltaText, fixed0, settled } from "./estimate-fixture.ts";

describeInBrowser("Estimate editing in Chromium", (harness) => {
  it("backspace-and-retype gives the typed value; deltas are against the stated, pinned baseline", async () => {
    const at96 = decodeAt(96);
    const at64 = decodeAt(64);
    const at32 = decodeAt(32);
    const { page, errors } = await harness.open("estimate");
    await settled(page);
    const perChip = page.locator('[data-kpi="decode-tokens-per-chip"]');
    expect(await perChip.locator(".kpi-number").innerText()).toBe(fixed0(at96.tokensPerSPerChip));
    expect(await page.locator(".baseline-bar").getAttribute("data-baseline")).toBe("auto");

    const batch = page.locator('input[data-knob="deployment.decode.batchPerChip"]');
    await batch.click();
    await page.keyboard.press("End");
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Backspace");
    // Emptied: shown as invalid, nothing written to the scenario.
    expect(await batch.inputValue()).toBe("");
    expect(await batch.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("textarea.scenario-editor").inputValue()).toContain("batchPerChip: 96");
    await page.keyboard.type("64");
    await expect
      .poll(() => page.locator("textarea.scenario-editor").inputValue(), { timeout: 10_000 })
      .toContain("batchPerChip: 64");
    expect(await batch.inputValue()).toBe("64");
    await expect
      .poll(() => perChip.locator(".kpi-number").innerText(), { timeout: 30_000 })
      .toBe(fixed0(at64.tokensPerSPerChip));
    await settled(page);
    expect(await perChip.locator(".delta").innerText()).toBe(
      deltaText(at64.tokensPerSPerChip, at96.tokensPerSPerChip),
    );
    expect(await perChip.locator(".delta").getAttribute("title")).toContain(DECODE);
    expect(await page.locator(".baseline-bar").innerText()).toContain(
      "deployment.decode.batchPerChip 96 → 64",
    );
    await harness.screenshot(page, "estimate-baseline-auto");

    // Pin batch 64: no delta against itself; then batch 32 is compared with 64, not with 96.
    await page.getByRole("button", { name: "Pin current as baseline" }).click();
    expect(await page.locator(".baseline-bar").getAttribute("data-baseline")).toBe("pinned");
    expect(await perChip.locator(".delta").count()).toBe(0);
    await batch.fill("32");
    await batch.press("Enter");
    await expect
      .poll(() => perChip.locator(".kpi-number").innerText(), { timeout: 30_000 })
      .toBe(fixed0(at32.tokensPerSPerChip));
    expect(await perChip.locator(".delta").innerText()).toBe(
      deltaText(at32.tokensPerSPerChip, at64.tokensPerSPerChip),
    );
    expect(await page.locator(".baseline-bar").innerText()).toContain("batchPerChip 64 → 32");
    await harness.screenshot(page, "estimate-baseline-pinned");

    // Clearing the baseline hides the deltas.
    await page.getByRole("button", { name: "Clear baseline" }).click();
    expect(await page.locator(".baseline-bar").getAttribute("data-baseline")).toBe("none");
    expect(await page.locator(".delta").count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("numbers the lines of the scenario editor and scrolls them with the text", async () => {
    const { page, errors } = await harness.open("estimate");
    const editor = page.locator("textarea.scenario-editor");
    const gutter = page.locator(".line-numbers");
    const lines = (await editor.inputValue()).split("\n").length;
    expect(await gutter.getAttribute("data-lines")).toBe(String(lines));
    expect((await gutter.innerText()).split("\n").at(-1)).toBe(String(lines));
    await editor.evaluate((el) => {
      el.scrollTop = 200;
      el.dispatchEvent(new Event("scroll"));
    });
    await expect.poll(() => gutter.evaluate((el) => el.scrollTop)).toBe(200);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("shows the nearest published case and the model's error there, linked to Validate", async () => {
    // The link opens Validate, whose job is answered with the run's shared report: in a run without
    // the ledger project (this file alone) computed here first, in Node, synchronously (the page's
    // 60 s wait for Validate ran out at load 9-13 while it was), as in estimate-links.browser.test.ts.
    await sharedValidationReport();
    const expected = decodeAt(96).references;
    expect(expected.length).toBeGreaterThan(0);
    const { page, errors } = await harness.open("estimate");
    await settled(page);
    for (const r of expected) {
      const item = page.locator(`[data-phase="decode"] [data-reference="${r.result}"]`);
      expect(await item.getAttribute("data-case")).toBe(r.caseId);
      expect(await item.locator('[data-field="ref-error"]').innerText()).toBe(
        `${r.relError > 0 ? "+" : ""}${(r.relError * 100).toFixed(1)}%`,
      );
    }
    const first = expected[0];
    await page.locator(`[data-phase="decode"] [data-reference="${first?.result}"] a`).click();
    await page.waitForURL(/#\/validate\?q=/);
    await settled(page);
    const rows = page.locator("table.validate-table tbody tr");
    await expect.poll(() => rows.first().getAttribute("data-case"), { timeout: 30_000 }).toBe(first?.caseId);
    expect(errors).toEqual([]);
    await page.close();
  }, 750_000); // the shared report's computation when no ledger file ran, then the page's work
});
