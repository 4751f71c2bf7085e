/**
 * What the Estimate browser tests share: the CloudMatrix384 decode example, core's own estimate of
 * it at a decode batch (the figures the page must show), the page's number and delta formats, and
 * a wait for the running job to settle.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { writeKnob } from "../src/app/scenario-doc.ts";
import { estimateJob } from "../src/worker/jobs/estimate-job.ts";

export const DECODE = "cloudmatrix384-deepseek-r1-decode.yaml";
export const TEXT = readFileSync(join(import.meta.dirname, "../../../examples", DECODE), "utf8");

export const fixed0 = (x: number) =>
  x.toLocaleString("en-US", { maximumFractionDigits: 0, minimumFractionDigits: 0 });

export const deltaText = (after: number, before: number) => {
  const d = after / before - 1;
  return `${d > 0 ? "+" : ""}${(d * 100).toFixed(1)}%`;
};

/** Core's decode phase of the example at `batch` sequences per chip. */
export function decodeAt(batch: number) {
  const text = writeKnob(TEXT, ["deployment", "decode", "batchPerChip"], batch);
  const phase = estimateJob({ text, fileName: DECODE }).phases.find((p) => p.role === "decode");
  if (phase === undefined) throw new Error("no decode phase");
  return phase;
}

/** Waits until the page's first job reports done. */
export async function settled(page: Page): Promise<void> {
  await page.locator('main [data-job-status="done"]').first().waitFor({ timeout: 60_000 });
}
