/**
 * What the web app's view tests in Chromium (web-app-*.browser.test.ts) share: the examples folder,
 * a wait for a view's job to finish, and the page's number format for a KPI.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";

export const EXAMPLES = join(import.meta.dirname, "../../../examples");

/** Waits until the first job under `scope` reports done. */
export async function jobDone(page: Page, scope = "main"): Promise<void> {
  await page.locator(`${scope} [data-job-status="done"]`).first().waitFor({ timeout: 120_000 });
}

/** A KPI as the page prints it: en-US grouping, exactly `digits` decimals. */
export function kpiText(value: number, digits: number): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
