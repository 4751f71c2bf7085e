/**
 * Every view at a laptop (1440 × 900) and a phone (390 × 844) viewport in Chromium: no horizontal
 * overflow of the page at either width, results near the top on the phone, and Validate's table
 * fitting its panel (the Source column visible, no nested scroll box), its empty filter showing
 * "—" and its predicted-vs-published scatter. Saves `<view>-1440.png` and `<view>-390.png` to
 * test-artifacts/screenshots/ (scripts/web-screenshots.mjs copies two into docs/img/).
 */
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { sharedValidationReport } from "../../cli/src/test-support/shared-validation-report.ts";
import { describeInBrowser, nextFrames } from "./browser-harness.ts";

/** The phone first: each page is resized from it to the laptop width. */
const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1440, height: 900 },
] as const;

/** The view's hash and how to bring it to a state with results. */
const VIEWS: readonly { id: string; hash: string; ready: (page: Page) => Promise<void> }[] = [
  { id: "compare", hash: "compare", ready: done },
  { id: "topology", hash: "topology?system=gb200-nvl72&load=collective&op=all-to-all&mib=64", ready: done },
  { id: "estimate", hash: "estimate", ready: done },
  {
    id: "simulate",
    hash: "simulate",
    ready: async (page) => {
      const requests = page.locator('input[data-knob="workload.requests"]');
      await requests.fill("400");
      await requests.press("Enter");
      await expect
        .poll(() => page.locator("textarea.scenario-editor").inputValue())
        .toMatch(/requests: 400\b/);
      await page.getByRole("button", { name: "Run simulation" }).click();
      await done(page);
    },
  },
  {
    id: "frontier",
    hash: "frontier",
    ready: async (page) => {
      await page.getByRole("button", { name: "Search deployments" }).click();
      await done(page);
    },
  },
  { id: "validate", hash: "validate", ready: done },
];

async function done(page: Page): Promise<void> {
  await page.locator('main [data-job-status="done"]').first().waitFor({ timeout: 90_000 });
}

/** How far the page is wider than the viewport (0: no horizontal overflow). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Validate: the Source column fits its panel (no nested scroll box); an empty filter shows —; the scatter is drawn. */
async function validatePanelFits(page: Page): Promise<void> {
  const panel = await page.locator('section[aria-label="Reference cases"]').boundingBox();
  const source = await page
    .locator("table.validate-table tbody tr")
    .first()
    .locator(".source-cell")
    .boundingBox();
  expect(panel).not.toBeNull();
  expect(source).not.toBeNull();
  expect((source?.x ?? 0) + (source?.width ?? 0)).toBeLessThanOrEqual((panel?.x ?? 0) + (panel?.width ?? 0));
  expect(
    await page
      .locator(".validate-scroll")
      .evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1),
  ).toBe(true);
  expect(await page.locator('section[aria-label="Predicted against published"] .chart svg').count()).toBe(1);
  await page.getByLabel(/Search/).fill("no-such-case-anywhere");
  await expect.poll(() => page.locator("table.validate-table tbody tr").count()).toBe(0);
  const median = page.locator('[data-kpi="validate-median"] .kpi-number');
  expect(await median.innerText()).toBe("—");
  expect(await median.getAttribute("class")).toBe("kpi-number");
  expect(await page.locator('[data-kpi="validate-max"] .kpi-number').innerText()).toBe("—");
}

describeInBrowser("layout of every view in Chromium", (harness) => {
  // One page per view, at the phone width and then resized to the laptop width: the view's job
  // (a simulation, a deployment search) runs once, not once per width. Each width is checked after
  // its resize has re-laid the page out, as Validate's test below does.
  for (const view of VIEWS.filter((v) => v.id !== "validate"))
    it(`${view.id} at ${WIDTHS.map((s) => `${s.width}×${s.height}`).join(" and then ")}: no horizontal overflow`, async () => {
      const { page, errors } = await harness.open(view.hash);
      for (const [i, size] of WIDTHS.entries()) {
        await page.setViewportSize(size);
        if (i === 0) await view.ready(page);
        // Let charts and the diagram re-layout after the resize (their ResizeObservers run in the
        // next frame's rendering step).
        await nextFrames(page);
        expect(await overflow(page), `${view.id} at ${size.width}`).toBe(0);
        if (size.width < 700 && (view.id === "estimate" || view.id === "simulate")) {
          // Results come before the YAML editor, within the first two screens.
          const firstKpi = await page.locator(".kpi").first().boundingBox();
          const editor = await page.locator("textarea.scenario-editor").boundingBox();
          expect(firstKpi).not.toBeNull();
          expect(firstKpi?.y ?? Number.POSITIVE_INFINITY).toBeLessThan(editor?.y ?? 0);
          expect(firstKpi?.y ?? Number.POSITIVE_INFINITY).toBeLessThan(2 * size.height);
        }
        await harness.screenshot(page, `${view.id}-${size.width}`);
      }
      expect(errors).toEqual([]);
      await page.close();
    }, 150_000);

  // Validate at both widths on one page, as the views above: its table shows every reference case
  // (tens of thousands of pixels tall). The phone width first, so that the laptop width's panel
  // checks (which type a filter) come last.
  it("validate at 390×844 and then 1440×900: no horizontal overflow; the Source column fits its panel, an empty filter shows —, the scatter is drawn", async () => {
    // The page's validate job is answered with the run's shared report (precomputed-validation.ts),
    // which the global set-up's background process may still be computing (minutes under load: this
    // test failed at its 90 s wait for the page at load 17). Waiting for the report first leaves the
    // page's 90 s to the page's own work; the report has its own 10-minute limit.
    await sharedValidationReport();
    const validate = VIEWS.find((v) => v.id === "validate");
    if (validate === undefined) throw new Error("no validate view");
    const { page, errors } = await harness.open(validate.hash);
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      await validate.ready(page);
      await nextFrames(page);
      expect(await overflow(page)).toBe(0);
      await harness.screenshot(page, `validate-${size.width}`);
    }
    await validatePanelFits(page);
    expect(errors).toEqual([]);
    await page.close();
  }, 750_000); // the report's 10 minutes, then the page's work

  it("prints the time to first numbers of Compare and Estimate (measured, not asserted)", async () => {
    const lines: string[] = [];
    for (const [hash, selector] of [
      ["compare", "td[data-system] .sourced-value"],
      ["estimate", ".kpi .kpi-number"],
    ] as const) {
      // When the numbers enter the document (a MutationObserver, before the next paint), and when
      // the page next answers (after the charts that render with them).
      const page = await harness.context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      await page.addInitScript((wanted) => {
        const observer = new MutationObserver(() => {
          if (document.querySelector(wanted) === null) return;
          (window as unknown as { firstNumbersMs: number }).firstNumbersMs = performance.now();
          observer.disconnect();
        });
        observer.observe(document, { childList: true, subtree: true });
      }, selector);
      await page.goto(`${harness.baseUrl}#/${hash}`);
      await page.locator(selector).first().waitFor({ timeout: 60_000 });
      const { shown, idle } = await page.evaluate(() => ({
        shown: (window as unknown as { firstNumbersMs: number }).firstNumbersMs,
        idle: performance.now(),
      }));
      lines.push(
        `${hash}: first numbers ${shown.toFixed(0)} ms after navigation, page answering at ${idle.toFixed(0)} ms (local server, warm HTTP cache)`,
      );
      expect(errors).toEqual([]);
      await page.close();
    }
    console.log(lines.join("\n"));
  }, 120_000);
});
