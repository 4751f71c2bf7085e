import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserHarness, chromiumAvailable, startBrowserHarness } from "./browser-harness.ts";

describe.skipIf(!chromiumAvailable())("web app in Chromium", () => {
  let harness: BrowserHarness;
  beforeAll(async () => {
    harness = await startBrowserHarness();
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
  });

  it("serves the app and switches views by keyboard, keeping the view in the URL", async () => {
    const { page, errors } = await harness.open("compare");
    await page.getByRole("link", { name: "Compare" }).waitFor();
    expect(await page.title()).toBe("Supernode");
    await page.getByRole("link", { name: "Validate" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/#\/validate/);
    expect(await page.locator("main").getAttribute("data-view")).toBe("validate");
    await harness.screenshot(page, "shell");
    expect(errors).toEqual([]);
    await page.close();
  });
});
