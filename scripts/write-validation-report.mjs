#!/usr/bin/env node
// Test support (scripts/test-global-setup.mjs starts it in the background): core's validation
// report — every reference case, `validate()` — computed once for the whole test run and written
// to the file named as the argument, as a structured clone (node:v8 serialize: what a Web Worker
// posts, NaN and undefined fields kept). Written to a temporary name and renamed, so a reader never
// sees half a file. Run with tsx: node --import tsx scripts/write-validation-report.mjs <file>.
import { renameSync, writeFileSync } from "node:fs";
import { serialize } from "node:v8";
import { validate } from "../packages/core/src/index.ts";

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write("usage: node --import tsx scripts/write-validation-report.mjs <file>\n");
  process.exit(2);
}
writeFileSync(`${file}.partial`, serialize(validate()));
renameSync(`${file}.partial`, file);
