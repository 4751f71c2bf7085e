/**
 * Finds, checks and (re)builds the web app (`packages/web/dist`). The build is stale when any
 * source of the app — its own files, `@supernode/core`'s source or its catalog data — is newer
 * than `dist/index.html`. Building runs the catalog embedding first, then Vite's JS API.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface WebPaths {
  readonly repoRoot: string;
  readonly webRoot: string;
  readonly distDir: string;
  /** Files and folders whose changes make the build stale. */
  readonly sources: readonly string[];
}

/** The nearest folder above `dir` holding packages/web (this module runs from src/ or from dist/). */
function findRepoRoot(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, "packages/web/package.json"))) return at;
    if (dirname(at) === at) return fileURLToPath(new URL("../../../../", import.meta.url));
  }
}

/** The paths of the web app in this checkout. */
export function webPaths(): WebPaths {
  const repoRoot = findRepoRoot(fileURLToPath(new URL(".", import.meta.url)));
  const webRoot = join(repoRoot, "packages/web");
  return {
    repoRoot,
    webRoot,
    distDir: join(webRoot, "dist"),
    sources: [
      join(webRoot, "src"),
      join(webRoot, "index.html"),
      join(webRoot, "vite.config.ts"),
      join(webRoot, "vite-example-facts.ts"),
      join(webRoot, "package.json"),
      join(repoRoot, "packages/core/src"),
      join(repoRoot, "packages/core/data"),
      // The example scenarios the app bundles (app/examples.ts).
      join(repoRoot, "examples"),
    ],
  };
}

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    newest = Math.max(newest, newestMtimeMs(join(path, name)));
  }
  return newest;
}

/** True when `dist/index.html` is missing or older than any source. */
export function isWebBuildStale(paths: WebPaths = webPaths()): boolean {
  const index = join(paths.distDir, "index.html");
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return paths.sources.some((source) => newestMtimeMs(source) > built);
}

/**
 * Embeds the catalog data and builds the app with Vite into `outDir` (default: `dist/`). Tests
 * build into a private directory so that a build started elsewhere cannot swap files under them.
 */
export async function buildWeb(paths: WebPaths = webPaths(), outDir: string = paths.distDir): Promise<void> {
  execFileSync(process.execPath, [join(paths.repoRoot, "scripts/embed-data.mjs")], { stdio: "inherit" });
  const { build } = await import("vite");
  // A production build even under a test runner (vitest sets NODE_ENV=test, which would give
  // React's development build: larger and slower than what `supernode ui` serves).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({
      configFile: join(paths.webRoot, "vite.config.ts"),
      root: paths.webRoot,
      mode: "production",
      logLevel: "warn",
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}
