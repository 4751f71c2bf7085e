#!/usr/bin/env node
// Prints the README's validation figures (the summary per label, kind and vendor, and the
// end-to-end rows) as `supernode validate` computes them; with --write, replaces the block between
// the README's `readme-figures:validate` markers; with --ledger, prints instead every data value
// set from a published record (the calibration ledger, docs/validation.md).
// Run: npm run readme-figures [-- --write | --ledger].
// packages/cli/src/readme-figures.test.ts fails when the README's block is stale.
import { readFileSync, writeFileSync } from "node:fs";
import {
  calibrationLedger,
  replaceReadmeBlock,
  validate,
  validationReadmeBlock,
} from "../packages/core/src/index.ts";

if (process.argv.includes("--ledger")) {
  const lines = ["| file | value | set to | calibratedOn |", "| --- | --- | --- | --- |"];
  for (const v of calibrationLedger())
    lines.push(`| ${v.file} | ${v.path} | ${JSON.stringify(v.value)} | ${v.calibratedOn.join(", ")} |`);
  process.stdout.write(`${lines.join("\n")}\n`);
} else {
  const block = validationReadmeBlock(validate());
  if (process.argv.includes("--write")) {
    const path = new URL("../README.md", import.meta.url);
    writeFileSync(path, replaceReadmeBlock(readFileSync(path, "utf8"), block));
    process.stdout.write("README.md: validation figures updated\n");
  } else process.stdout.write(`${block}\n`);
}
