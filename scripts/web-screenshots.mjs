#!/usr/bin/env node
/**
 * Screenshots of every web view at 1440×900 and 390×844: runs the layout browser test (which saves
 * test-artifacts/screenshots/<view>-<width>.png, git-ignored) and copies the two the README shows
 * into docs/img/. Usage: node scripts/web-screenshots.mjs
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
execFileSync("npx", ["vitest", "run", "packages/web/test/layout.browser.test.ts"], {
  cwd: root,
  stdio: "inherit",
});
const from = join(root, "test-artifacts/screenshots");
const to = join(root, "docs/img");
mkdirSync(to, { recursive: true });
for (const name of ["estimate-1440.png", "simulate-390.png"]) {
  copyFileSync(join(from, name), join(to, `web-${name}`));
  console.log(`docs/img/web-${name}`);
}
