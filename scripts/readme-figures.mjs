#!/usr/bin/env node
// Prints the README's validation figures (the summary per label, kind and vendor, and the
// end-to-end rows) as `supernode validate` computes them; with --write, replaces the block between
// the README's `readme-figures:validate` markers; with --ledger, prints instead every data value
// set from a published record (the calibration ledger, docs/validation.md).
// With --write it also replaces docs/fabric-model.md's accuracy table (the `fabric-table` markers).
// Run: npm run readme-figures [-- --write | --ledger].
// packages/cli/src/readme-figures.test.ts fails when the README's block or the fabric table is stale.
import { readFileSync, writeFileSync } from "node:fs";
import {
  calibrationLedger,
  fabricAccuracyTable,
  replaceFabricTable,
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
  const report = validate();
  const block = validationReadmeBlock(report);
  const table = fabricAccuracyTable(report);
  if (process.argv.includes("--write")) {
    const path = new URL("../README.md", import.meta.url);
    writeFileSync(path, replaceReadmeBlock(readFileSync(path, "utf8"), block));
    const doc = new URL("../docs/fabric-model.md", import.meta.url);
    writeFileSync(doc, replaceFabricTable(readFileSync(doc, "utf8"), table));
    process.stdout.write(
      "README.md: validation figures updated; docs/fabric-model.md: accuracy table updated\n",
    );
  } else process.stdout.write(`${block}\n\n${table}\n`);
}
