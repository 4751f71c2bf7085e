/**
 * The end-to-end harness of the web app: builds it with Vite's JS API into a private directory
 * shared by the run's test files (`shared-build.ts`; a build in packages/web/dist can be replaced
 * at any time by another run in the same checkout),
 * starts the real `supernode ui` server code on a random loopback port, and drives Debian's Chromium
 * (`/usr/bin/chromium`, never a downloaded browser) through playwright-core. One Chromium and one
 * server serve all the browser test files a test worker runs one after another (the suite runs
 * with `isolate: false`: a worker keeps its modules between files); each file gets a fresh browser
 * context of its own (no cookies, storage or pages of another file), and the browser is closed once
 * no file has used it for a few seconds (or with the worker: playwright closes what it launched).
 * A page's Validate view shows the ledger computed once in Node (precomputed-validation.ts) unless
 * the test asks for the page to compute it. Screenshots go to `test-artifacts/screenshots/`: the
 * whole page, or its top 4,000 px when it is taller (only Validate's table of every case is:
 * 58,760 px at 1440 px wide, 290,785 px at 390 — a full-page capture of those took 23–32 s of the page's time under load, the top 4,000 px 1–4 s).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe } from "vitest";
import { startUiServer, type UiServer } from "../../cli/src/server/ui-server.ts";
import { webPaths } from "../../cli/src/server/web-build.ts";
import { answerValidateInNode, type ValidationSource, validationSource } from "./precomputed-validation.ts";
import { sharedWebBuild } from "./shared-build.ts";

/** The tallest screenshot taken whole; a taller page is captured down to this height. */
const MAX_SCREENSHOT_PX = 4_000;

/** Waits for two animation frames: what a resize schedules has rendered. */
export function nextFrames(page: Page): Promise<void> {
  return page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

export const CHROMIUM_PATH = process.env.SUPERNODE_CHROMIUM ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface BrowserHarness {
  readonly baseUrl: string;
  readonly context: BrowserContext;
  /**
   * A new page at `#/<hash>`, with page errors collected in `errors`. Its validate jobs get the
   * report computed in Node unless `validation` is "in-page" (precomputed-validation.ts).
   */
  open(hash: string, options?: { validation?: ValidationSource }): Promise<{ page: Page; errors: string[] }>;
  /** Saves a full-page screenshot (at most 4,000 px tall) to `test-artifacts/screenshots/<name>.png`; returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Whether to run the browser suite: always, unless SUPERNODE_SKIP_BROWSER=1. A missing Chromium
 * fails the suite (CI installs Debian's `chromium`; a silent skip would hide a broken app).
 */
export function browserTestsEnabled(): boolean {
  return process.env.SUPERNODE_SKIP_BROWSER !== "1";
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** What the files of one test worker share: the browser, the server and the screenshot folder. */
interface SharedBrowser {
  readonly browser: Browser;
  readonly server: UiServer;
  readonly screenshotDir: string;
}

/** How long the shared browser stays up with no harness open (the gap between two files is less). */
const IDLE_CLOSE_MS = 5_000;

let shared: Promise<SharedBrowser> | undefined;
let openHarnesses = 0;
let idleClose: ReturnType<typeof setTimeout> | undefined;

async function launchShared(): Promise<SharedBrowser> {
  const paths = webPaths();
  const build = await sharedWebBuild(paths);
  const server: UiServer = await startUiServer({ distDir: build, port: 0 });
  const screenshotDir = join(paths.repoRoot, "test-artifacts/screenshots");
  mkdirSync(screenshotDir, { recursive: true });
  try {
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    return { browser, server, screenshotDir };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** The worker's browser and server, launched on first use (again after a close or a crash). */
async function sharedBrowser(): Promise<SharedBrowser> {
  if (shared !== undefined) {
    const current = await shared.catch(() => undefined);
    if (current?.browser.isConnected()) return current;
    if (current !== undefined) await current.server.close();
    shared = undefined;
  }
  shared ??= launchShared();
  return shared;
}

async function closeShared(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current === undefined) return;
  const { browser, server } = await current;
  await browser.close();
  await server.close();
}

export async function startBrowserHarness(): Promise<BrowserHarness> {
  if (!chromiumAvailable())
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (or set SUPERNODE_CHROMIUM)`);
  clearTimeout(idleClose);
  openHarnesses += 1;
  let started: SharedBrowser;
  let context: BrowserContext;
  try {
    started = await sharedBrowser();
    context = await started.browser.newContext({
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
    });
    await answerValidateInNode(context);
  } catch (error) {
    openHarnesses -= 1;
    throw error;
  }
  const { server, screenshotDir } = started;
  return {
    baseUrl: server.url,
    context,
    async open(hash, options) {
      const page = await context.newPage();
      if (options?.validation !== undefined) await validationSource(page, options.validation);
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      await page.goto(`${server.url}#/${hash}`);
      return { page, errors };
    },
    async screenshot(page, name) {
      const file = join(screenshotDir, `${name}.png`);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      const viewport = page.viewportSize();
      if (height <= MAX_SCREENSHOT_PX || viewport === null) {
        await page.screenshot({ path: file, fullPage: true });
        return file;
      }
      // The top of a very tall page: a viewport that tall for the capture, then the page's own
      // (a full-page capture with a clip still lays out and rasterises the whole page).
      await page.setViewportSize({ width: viewport.width, height: MAX_SCREENSHOT_PX });
      await page.screenshot({ path: file });
      await page.setViewportSize(viewport);
      await nextFrames(page);
      return file;
    },
    async close() {
      await context.close();
      openHarnesses -= 1;
      if (openHarnesses === 0)
        idleClose = setTimeout(() => closeShared().catch(console.error), IDLE_CLOSE_MS).unref();
    },
  };
}

/**
 * A describe block run in Chromium (unless SUPERNODE_SKIP_BROWSER=1) with one harness started
 * before its tests and closed after them; `body` gets the harness (usable inside tests and hooks).
 * Its tests may take up to 3 minutes: the suite runs one test file per core, and a Chromium test
 * sharing a small machine with another file's work can take several times its time alone.
 */
export function describeInBrowser(name: string, body: (harness: BrowserHarness) => void): void {
  describe.runIf(browserTestsEnabled())(name, { timeout: 180_000 }, () => {
    let started: BrowserHarness | undefined;
    beforeAll(async () => {
      started = await startBrowserHarness();
    }, 180_000);
    afterAll(async () => {
      await started?.close();
    });
    const live = (): BrowserHarness => {
      if (started === undefined) throw new Error("the browser harness did not start");
      return started;
    };
    body({
      get baseUrl() {
        return live().baseUrl;
      },
      get context() {
        return live().context;
      },
      open: (hash, options) => live().open(hash, options),
      screenshot: (page, shot) => live().screenshot(page, shot),
      close: () => live().close(),
    });
  });
}
