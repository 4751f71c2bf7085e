/**
 * `supernode report`: the HTML file is self-contained (no external resource), and in Debian's
 * Chromium with every network request blocked it opens with no console error and its charts
 * render (SVG with drawn bars). Screenshot: test-artifacts/screenshots/report.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const CHROMIUM = process.env.SUPERNODE_CHROMIUM ?? "/usr/bin/chromium";
const examples = ["cloudmatrix384-deepseek-r1-decode", "gb200-nvl72-deepseek-r1-decode"].map((n) =>
  join(root, "examples", `${n}.yaml`),
);

describe("supernode report", () => {
  const dir = mkdtempSync(join(tmpdir(), "supernode-report-"));
  const out = join(dir, "report.html");
  let html = "";
  let stdout = "";
  beforeAll(() => {
    const r = runCli(["report", ...examples, "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    stdout = r.stdout;
    html = readFileSync(out, "utf8");
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("says where the file is and prints joules per output token for both systems", () => {
    expect(stdout).toContain(`Report written to ${out}`);
    expect(stdout).toMatch(/CloudMatrix384.*TPOT ≤ 50 ms.*J per output token/);
    expect(stdout).toMatch(/GB200 NVL72.*TPOT ≤ 50 ms.*J per output token/);
  });

  it("is one file with no script, stylesheet, image or frame loaded from elsewhere", () => {
    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(/<(link|img|iframe)\b[^>]*(href|src)=/i);
    expect(html).not.toMatch(/url\(\s*['"]?https?:/i);
    for (const id of ["compare", "serving", "references", "breakdown", "assumptions"])
      expect(html).toContain(`id="${id}"`);
    expect(html).toContain("cm384-106");
  });

  it("opens in Chromium with no network and no console errors, and its charts render", async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
      ],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
      const requests: string[] = [];
      await context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file:")) return route.continue();
        requests.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      await page.goto(pathToFileURL(out).href);
      await page.waitForLoadState("load");
      const charts = await page.locator(".chart svg").count();
      expect(charts).toBeGreaterThanOrEqual(5);
      // Each chart drew something: bars are <path> elements with a visible size.
      const drawn = await page.$$eval(".chart svg", (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          return { w: box.width, h: box.height, paths: svg.querySelectorAll("path").length };
        }),
      );
      for (const d of drawn) {
        expect(d.w).toBeGreaterThan(100);
        expect(d.h).toBeGreaterThan(50);
        expect(d.paths).toBeGreaterThan(3);
      }
      expect(await page.locator("table").count()).toBeGreaterThanOrEqual(4);
      const shots = join(root, "test-artifacts/screenshots");
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, "report.png"), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
