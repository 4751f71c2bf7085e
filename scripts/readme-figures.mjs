#!/usr/bin/env node
// Prints the README's validation figures (the summary per label, kind and vendor, and the
// end-to-end rows) as `supernode validate` computes them; with --write, replaces the block between
// the README's `readme-figures:validate` markers. Run: npm run readme-figures [-- --write].
// packages/cli/src/readme-figures.test.ts fails when the README's block is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { replaceReadmeBlock, validate, validationReadmeBlock } from "../packages/core/src/index.ts";

const block = validationReadmeBlock(validate());
if (process.argv.includes("--write")) {
  const path = new URL("../README.md", import.meta.url);
  writeFileSync(path, replaceReadmeBlock(readFileSync(path, "utf8"), block));
  process.stdout.write("README.md: validation figures updated\n");
} else process.stdout.write(`${block}\n`);
