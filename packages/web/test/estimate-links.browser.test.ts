import { endToEndCaseSpecs } from "@supernode/core";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { sharedValidationReport } from "../../cli/src/test-support/shared-validation-report.ts";
import { decodeText, parseHash } from "../src/app/route.ts";
import { caseScenarioJob } from "../src/worker/jobs/case-scenario-job.ts";
import { estimateJob } from "../src/worker/jobs/estimate-job.ts";
import { describeInBrowser } from "./browser-harness.ts";
import { DECODE, decodeAt, deltaText, fixed0, settled } from "./estimate-fixture.ts";

async function setBatch(page: Page, value: string, expected: number): Promise<void> {
  const batch = page.locator('input[data-knob="deployment.decode.batchPerChip"]');
  await batch.fill(value);
  await batch.press("Enter");
  await expect
    .poll(() => page.locator('[data-kpi="decode-tokens-per-chip"] .kpi-number').innerText(), {
      timeout: 30_000,
    })
    .toBe(fixed0(expected));
}

describeInBrowser("Estimate links in Chromium", (harness) => {
  it("keeps a pinned baseline in the URL: a copied link shows the same deltas", async () => {
    const at64 = decodeAt(64);
    const at32 = decodeAt(32);
    const { page, errors } = await harness.open("estimate");
    await settled(page);
    await setBatch(page, "64", at64.tokensPerSPerChip);
    await page.getByRole("button", { name: "Pin current as baseline" }).click();
    await expect.poll(() => parseHash(new URL(page.url()).hash).params.get("base")).not.toBeNull();
    const pinned = parseHash(new URL(page.url()).hash).params;
    expect(decodeText(pinned.get("base") ?? "")).toContain("batchPerChip: 64");
    expect(pinned.get("baseFile")).toBe(DECODE);
    await setBatch(page, "32", at32.tokensPerSPerChip);
    const shared = page.url();
    await page.close();

    // The link restores the pinned baseline (recomputed from its document) and the deltas.
    const again = await harness.context.newPage();
    await again.goto(shared);
    const perChip = again.locator('[data-kpi="decode-tokens-per-chip"]');
    await expect
      .poll(() => again.locator(".baseline-bar").getAttribute("data-baseline"), { timeout: 60_000 })
      .toBe("pinned");
    await expect
      .poll(() => perChip.locator(".delta").innerText(), { timeout: 60_000 })
      .toBe(deltaText(at32.tokensPerSPerChip, at64.tokensPerSPerChip));
    expect(await perChip.locator(".kpi-number").innerText()).toBe(fixed0(at32.tokensPerSPerChip));
    expect(await again.locator(".baseline-bar").innerText()).toContain("batchPerChip 64 → 32");

    // Clear: the URL says so, and a link to it stays without a baseline.
    await again.getByRole("button", { name: "Clear baseline" }).click();
    await expect.poll(() => parseHash(new URL(again.url()).hash).params.get("base")).toBe("none");
    const cleared = again.url();
    await again.close();
    const third = await harness.context.newPage();
    await third.goto(cleared);
    await settled(third);
    expect(await third.locator(".baseline-bar").getAttribute("data-baseline")).toBe("none");
    expect(await third.locator(".delta").count()).toBe(0);
    expect(errors).toEqual([]);
    await third.close();
  }, 180_000);

  it("opens a Validate case's scenario in Estimate and links back to the case", async () => {
    // A decode case whose overrides change the example's batch (what validate estimates).
    const spec = endToEndCaseSpecs().find(
      (c) =>
        c.scenario === "cloudmatrix384-deepseek-r1-decode" &&
        c.overrides.some((o) => o.includes("batchPerChip")),
    );
    if (spec === undefined) throw new Error("no decode case with a batch override");
    const opened = caseScenarioJob({ caseId: spec.id });
    const expected = estimateJob({ text: opened.text, fileName: opened.fileName }).phases.find(
      (p) => p.role === "decode",
    );
    // The page's validate job is answered with the run's shared report; in a run without the
    // ledger project (this file alone) that report is computed here first, in Node, synchronously
    // (minutes under load: the page's 60 s wait below ran out at load 9-13 while it was).
    await sharedValidationReport();
    const { page, errors } = await harness.open(`validate?q=${spec.id}`);
    await settled(page);
    const row = page.locator(`table.validate-table tbody tr[data-case="${spec.id}"]`).first();
    await row.locator("a.open-in-estimate").click();
    await page.waitForURL(/#\/estimate\?.*fromCase=/, { timeout: 30_000 });
    await expect
      .poll(() => page.locator("textarea.scenario-editor").inputValue(), { timeout: 30_000 })
      .toBe(opened.text);
    await expect
      .poll(() => page.locator('[data-kpi="decode-tokens-per-chip"] .kpi-number').innerText(), {
        timeout: 60_000,
      })
      .toBe(fixed0(expected?.tokensPerSPerChip ?? Number.NaN));
    const note = page.locator(".from-case");
    expect(await note.getAttribute("data-from-case")).toBe(spec.id);
    expect(await note.innerText()).not.toContain("edited since");
    await harness.screenshot(page, "estimate-from-validate");
    // Back to Validate: the case is the row shown.
    await note.getByRole("link", { name: "see it in Validate" }).click();
    await page.waitForURL(/#\/validate\?q=/);
    await settled(page);
    await expect
      .poll(() => page.locator(`table.validate-table tbody tr[data-case="${spec.id}"]`).count())
      .toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 750_000); // the shared report's computation when no ledger file ran, then the page's work
});
