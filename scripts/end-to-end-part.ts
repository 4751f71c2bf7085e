// Test support: predicts part <index>/<count> of the end-to-end ledger from the sources (core's
// `endToEndPredictionsPart`) and writes it to <file> as a structured clone (node:v8 serialize).
// The `ledger` project's set-up file (scripts/test-shared-ledger.ts) starts it on the other core
// while its worker predicts the rest, and adopts the part (`adoptEndToEndPredictions`).
// Usage: node --import tsx scripts/end-to-end-part.ts <index>/<count> <file>
import { writeFileSync } from "node:fs";
import { serialize } from "node:v8";
import { endToEndPredictionsPart } from "../packages/core/src/index.ts";

const part = /^(\d+)\/(\d+)$/.exec(process.argv[2] ?? "");
const file = process.argv[3];
if (part === null || file === undefined) {
  process.stderr.write("usage: node --import tsx scripts/end-to-end-part.ts <index>/<count> <file>\n");
  process.exit(2);
}
writeFileSync(file, serialize(endToEndPredictionsPart(Number(part[1]), Number(part[2]))));
