/**
 * The example scenarios' texts are fetched when picked (one chunk each, app/examples.ts). In
 * Chromium, with the network held or failed by request interception: the editor says it is
 * loading and then shows the file; of two quick picks the last wins even when the first answers
 * later; a failed fetch says so and leaves the document unchanged, and picking again loads it;
 * Topology's decode scenario (named in the URL) waits for its text, and offers Retry after a
 * failure; the pickers list the examples whose facts fit.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page, Route } from "playwright-core";
import { expect, it } from "vitest";
import { decodeText } from "../src/app/route.ts";
import { readKnob } from "../src/app/scenario-doc.ts";
import { describeInBrowser } from "./browser-harness.ts";

const DIR = join(import.meta.dirname, "../../../examples");
const read = (name: string) => readFileSync(join(DIR, name), "utf8");
const DEFAULT = "cloudmatrix384-deepseek-r1-decode.yaml";
const A = "sglang-h100-deepseek-v3-decode.yaml";
const B = "gb200-nvl72-deepseek-r1-decode.yaml";

/** Requests for the chunk of example `name` (its stem, then Vite's 8-character hash). */
function chunkOf(name: string): RegExp {
  const stem = name.replace(/\.(ya?ml|json)$/, "").replace(/[.]/g, "\\.");
  return new RegExp(`/assets/${stem}-[\\w-]{8}\\.js$`);
}

/** Holds every request for `name`'s chunk until `release()` is called. */
async function hold(page: Page, name: string): Promise<{ held: Promise<void>; release: () => void }> {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let seen = () => {};
  const held = new Promise<void>((resolve) => {
    seen = resolve;
  });
  await page.route(chunkOf(name), async (route: Route) => {
    seen();
    await gate;
    await route.continue();
  });
  return { held, release };
}

const editor = (page: Page) => page.locator("textarea.scenario-editor");
const fileInUrl = (page: Page) => new URL(page.url()).hash.match(/[?&]file=([^&]+)/)?.[1];
const textInUrl = (page: Page) => {
  const encoded = new URL(page.url()).hash.match(/[?&]scenario=([^&]+)/)?.[1];
  return encoded === undefined ? undefined : decodeText(encoded);
};
/**
 * Imports module `url` in the page and waits for it: settles after the app's earlier import of
 * the same module has settled (a string, so that the test runner does not rewrite `import`).
 */
async function settled(page: Page, url: string): Promise<void> {
  await page.evaluate(`import(${JSON.stringify(url)}).then(() => true)`);
}

/** Console errors other than the failed fetches a test causes on purpose. */
const unexpected = (errors: string[]) => errors.filter((e) => !/ERR_FAILED|Failed to load resource/.test(e));

describeInBrowser("example scenarios loaded on demand", (harness) => {
  it("Estimate: shows Loading while an example is fetched; of two quick picks the last wins", async () => {
    const { page, errors } = await harness.open("estimate");
    expect(await editor(page).inputValue()).toBe(read(DEFAULT));
    const slow = await hold(page, A);
    const picker = page.getByLabel("Reference scenario");
    await picker.selectOption(A);
    await slow.held;
    const status = page.locator('[data-example-status="loading"]');
    expect(await status.innerText()).toBe(`Loading ${A}…`);
    expect(await editor(page).inputValue()).toBe(read(DEFAULT));
    // A second pick while the first is still on its way: it wins, whatever answers last.
    await picker.selectOption(B);
    await page.waitForURL(/file=gb200-nvl72-deepseek-r1-decode\.yaml/);
    await expect.poll(() => editor(page).inputValue()).toBe(read(B));
    const answered = page.waitForResponse(chunkOf(A));
    slow.release();
    const url = (await answered).url();
    // Importing the same module here settles after the app's own import of it has settled.
    await settled(page, url);
    expect(fileInUrl(page)).toBe(B);
    expect(textInUrl(page)).toBe(read(B));
    expect(await editor(page).inputValue()).toBe(read(B));
    expect(await page.locator("[data-example-status]").getAttribute("data-example-status")).toBe("idle");
    // Picking the first again now loads it (the module is in the page).
    await picker.selectOption(A);
    await page.waitForURL(/file=sglang-h100-deepseek-v3-decode\.yaml/);
    await expect.poll(() => editor(page).inputValue()).toBe(read(A));
    expect(errors).toEqual([]);
    await page.close();
  });

  it("Estimate: typing while an example is fetched cancels the pick", async () => {
    const { page, errors } = await harness.open("estimate");
    const slow = await hold(page, A);
    await page.getByLabel("Reference scenario").selectOption(A);
    await slow.held;
    const typed = `${read(DEFAULT)}# typed while loading\n`;
    await editor(page).fill(typed);
    expect(await page.locator("[data-example-status]").getAttribute("data-example-status")).toBe("idle");
    const answered = page.waitForResponse(chunkOf(A));
    slow.release();
    const url = (await answered).url();
    await settled(page, url);
    expect(await editor(page).inputValue()).toBe(typed);
    await expect.poll(() => textInUrl(page)).toBe(typed);
    expect(fileInUrl(page)).toBe(DEFAULT);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("Simulate: a failed fetch says so and keeps the document; picking again loads it", async () => {
    const { page, errors } = await harness.open("simulate");
    const before = await editor(page).inputValue();
    const hashBefore = new URL(page.url()).hash;
    await page.route(chunkOf(A), (route) => route.abort("failed"));
    await page.getByLabel("Reference scenario").selectOption(A);
    const alert = page.locator(`[data-example-error="${A}"]`);
    await alert.waitFor();
    expect(await alert.getAttribute("role")).toBe("alert");
    expect(await alert.innerText()).toContain(`Could not load the example scenario ${A}`);
    expect(await alert.innerText()).toContain("The document below is unchanged");
    expect(await editor(page).inputValue()).toBe(before);
    expect(new URL(page.url()).hash).toBe(hashBefore);
    await harness.screenshot(page, "simulate-example-fetch-failed");
    // The message (with the chunk's URL) wraps inside the panel on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    expect(await alert.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await harness.screenshot(page, "simulate-example-fetch-failed-390");
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.unroute(chunkOf(A));
    await page.getByLabel("Reference scenario").selectOption(A);
    await page.waitForURL(/file=sglang-h100-deepseek-v3-decode\.yaml/);
    await expect.poll(() => editor(page).inputValue()).toBe(read(A));
    expect(await alert.count()).toBe(0);
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it("Topology: the decode scenario named in the URL waits for its text; a failure offers Retry", async () => {
    const page = await harness.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.route(chunkOf(B), (route) => route.abort("failed"));
    await page.goto(`${harness.baseUrl}#/topology?system=gb200-nvl72&load=decode&example=${B}`);
    const alert = page.locator(`[data-example-error="${B}"]`);
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.innerText()).toContain(`Could not load the example scenario ${B}`);
    expect(await page.locator(".load-summary").count()).toBe(0);
    await page.unroute(chunkOf(B));
    const slow = await hold(page, B);
    await alert.getByRole("button", { name: "Retry" }).click();
    await slow.held;
    expect(await page.locator('[data-example-status="loading"]').innerText()).toBe(
      `Loading the scenario ${B}…`,
    );
    slow.release();
    const summary = page.locator(".load-summary");
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.innerText()).toContain("MoE dispatch");
    expect(await alert.count()).toBe(0);
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it("Frontier and Topology list the examples whose facts fit; only a chosen text is fetched", async () => {
    const names = readdirSync(DIR)
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .sort();
    const has = (n: string, path: string[]) => readKnob(read(n), path) !== undefined;
    const page = await harness.context.newPage();
    const fetched: string[] = [];
    page.on("request", (r) => {
      const name = names.find((n) => chunkOf(n).test(r.url()));
      if (name !== undefined) fetched.push(name);
    });
    await page.goto(`${harness.baseUrl}#/frontier`);
    await page.getByLabel("Scenario document").waitFor();
    const options = await page.getByLabel("Reference scenario").locator("option").allTextContents();
    expect(options.slice(1)).toEqual(
      names.filter((n) => has(n, ["deployment", "decode"]) && !has(n, ["offline"])),
    );
    await page.goto(`${harness.baseUrl}#/topology?system=gb200-nvl72`);
    await page.getByLabel("Link load").selectOption("decode");
    const scenarios = await page.getByLabel("Decode scenario").locator("option").allTextContents();
    const onNvl72 = names.filter(
      (n) => readKnob(read(n), ["system"]) === "gb200-nvl72" && has(n, ["deployment", "decode"]),
    );
    expect(scenarios).toEqual(onNvl72);
    await page.locator(".load-summary").waitFor({ timeout: 60_000 });
    // Frontier's default scenario comes with the view; of the others only the one drawn is fetched.
    expect(fetched).toEqual([DEFAULT, onNvl72[0]]);
    await page.close();
  });
});
