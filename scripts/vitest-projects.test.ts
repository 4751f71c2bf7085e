/**
 * vitest.config.ts runs the test files that predict the end-to-end ledger in process as a project
 * of their own, in one worker before the rest. This checks that the split loses no file and
 * runs none twice: every file the ledger project names exists and is one the suite's patterns
 * would include, and the suite project excludes exactly those files.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import config, { LEDGER_FILES } from "../vitest.config.ts";
import { YOUNG_GENERATION_FLAGS } from "./young-generation.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

interface ProjectTest {
  readonly name?: string;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly maxWorkers?: number | string;
  readonly isolate?: boolean;
  readonly execArgv?: readonly string[];
}

function project(name: string): ProjectTest {
  const projects = (config.test?.projects ?? []) as readonly { test?: ProjectTest }[];
  const found = projects.find((p) => p.test?.name === name)?.test;
  if (found === undefined) throw new Error(`vitest.config.ts: no project named "${name}"`);
  return found;
}

describe("vitest projects", () => {
  it("the ledger project's files exist, are test files of the suite's folders, and run in one shared worker", () => {
    expect(LEDGER_FILES.length).toBeGreaterThan(0);
    for (const file of LEDGER_FILES) {
      expect(existsSync(join(root, file)), file).toBe(true);
      expect(file, file).toMatch(/^(packages\/[a-z]+\/(src|test)\/.+|scripts\/.+|bench\/.+)\.test\.ts$/);
    }
    const ledger = project("ledger");
    expect(ledger.include).toEqual(LEDGER_FILES);
    expect(ledger.maxWorkers).toBe(1);
    expect(ledger.isolate).toBe(false);
  });

  it("the suite project excludes exactly the ledger's files", () => {
    const suite = project("suite");
    expect(suite.exclude).toEqual(expect.arrayContaining(LEDGER_FILES));
    const others = (suite.exclude ?? []).filter((p) => !LEDGER_FILES.includes(p));
    expect(others.every((p) => p.includes("*"))).toBe(true);
  });

  it("both projects' workers, this one included, run with the larger young generation", () => {
    for (const name of ["ledger", "suite"]) expect(project(name).execArgv).toEqual(YOUNG_GENERATION_FLAGS);
    expect(process.execArgv).toEqual(expect.arrayContaining(YOUNG_GENERATION_FLAGS));
  });
});
