/**
 * End-to-end tests of the web app in Debian's Chromium (one file per view; the split of the former
 * web-app.test.ts), the app shell (views switched by keyboard, the view kept in the URL) and the
 * Compare view: core's figures with their sources, another system's column, and an unknown system's
 * message. A number the page shows is checked against the same core function run here in Node;
 * screenshots go to test-artifacts/screenshots/.
 */
import { expect, it } from "vitest";
import { compareJob } from "../src/worker/jobs/compare-job.ts";
import { describeInBrowser } from "./browser-harness.ts";
import { jobDone } from "./web-app-fixture.ts";

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
});
