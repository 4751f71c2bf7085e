/**
 * One build of the web app for all the browser test files of a run, instead of one Vite build
 * (seconds of CPU) per file. The build lives in `node_modules/.cache/supernode-web-test/<hash>`,
 * named by a hash of everything it is built from (the app's sources as `webPaths()` lists them,
 * after the catalog embedding, and the lockfile), so a test never gets a build of other sources,
 * and a complete build is never written again (a concurrent build cannot swap files under a
 * running test). The first file to need a build makes it under a lock; the others wait for it.
 * `npm ci` empties node_modules, so CI builds once per run.
 */

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from "node:fs";
import { join, relative } from "node:path";
import { buildWeb, type WebPaths, webPaths } from "../../cli/src/server/web-build.ts";

const STALE_LOCK_MS = 10 * 60_000;
const OLD_BUILD_MS = 60 * 60_000;

function filesUnder(path: string, out: string[]): void {
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) {
    out.push(path);
    return;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    filesUnder(join(path, name), out);
  }
}

/** Hash of the app's sources and the lockfile (paths relative to the checkout, and contents). */
export function webSourceHash(paths: WebPaths): string {
  const hash = createHash("sha256");
  const files: string[] = [];
  for (const source of [...paths.sources, join(paths.repoRoot, "package-lock.json")])
    filesUnder(source, files);
  for (const file of files) {
    hash.update(relative(paths.repoRoot, file));
    hash.update("\0");
    hash.update(readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 20);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Removes builds of other sources not used for an hour (each use touches its folder). */
function removeOldBuilds(cache: string, keep: string): void {
  for (const name of readdirSync(cache)) {
    const path = join(cache, name);
    if (name === keep || Date.now() - statSync(path).mtimeMs < OLD_BUILD_MS) continue;
    rmSync(path, { recursive: true, force: true });
  }
}

let pending: Promise<string> | undefined;

/**
 * The folder of a build of the current sources (built now if there is none).
 * @example const dir = await sharedWebBuild(); await startUiServer({ distDir: dir, port: 0 })
 */
export function sharedWebBuild(paths: WebPaths = webPaths()): Promise<string> {
  pending ??= findOrBuild(paths);
  return pending;
}

async function findOrBuild(paths: WebPaths): Promise<string> {
  // The embedded catalog is one of the sources: bring it up to date before hashing.
  execFileSync(process.execPath, [join(paths.repoRoot, "scripts/embed-data.mjs")], { stdio: "inherit" });
  const cache = join(paths.repoRoot, "node_modules/.cache/supernode-web-test");
  mkdirSync(cache, { recursive: true });
  const key = webSourceHash(paths);
  const dir = join(cache, key);
  const lock = join(cache, `${key}.lock`);
  const used = () => {
    const now = new Date();
    utimesSync(dir, now, now);
    return dir;
  };
  for (;;) {
    if (existsSync(join(dir, "index.html"))) return used();
    try {
      mkdirSync(lock);
    } catch {
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs > STALE_LOCK_MS)
        rmSync(lock, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      if (existsSync(join(dir, "index.html"))) return used();
      const building = join(cache, `${key}.building-${process.pid}`);
      await buildWeb(paths, building);
      rmSync(dir, { recursive: true, force: true });
      renameSync(building, dir);
      removeOldBuilds(cache, key);
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
