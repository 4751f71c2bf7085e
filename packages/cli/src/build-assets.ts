/**
 * Files the build writes beside the bundle (scripts/build-cli.mjs). main.ts names where they are
 * when it runs as the built CLI; run from the sources (tests, tsx) there are none, and commands
 * compute what they need instead — the same values, computed at each call.
 */
import { readFileSync } from "node:fs";
import type { ReferenceTable } from "@supernode/core";

let referenceTableUrl: URL | undefined;

/** Called by main.ts: where the build's reference table would be (undefined: none, compute the cases). */
export function setBuildAssets(dir: URL | undefined): void {
  referenceTableUrl = dir === undefined ? undefined : new URL("reference-table.json", dir);
}

/** The build's reference table (core's `referenceTable()`), or undefined when there is none. */
export function builtReferenceTable(): ReferenceTable | undefined {
  if (referenceTableUrl === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(referenceTableUrl, "utf8");
  } catch {
    return undefined;
  }
  return JSON.parse(text) as ReferenceTable;
}
