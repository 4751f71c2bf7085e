/**
 * Prints the reference table (core's `referenceTable()`: every end-to-end case's operating point
 * and prediction) as JSON. scripts/build-cli.mjs runs this entry of the fresh build and stores the
 * output as packages/cli/dist/reference-table.json, which `supernode estimate` reads
 * (build-assets.ts) instead of parsing and predicting every case at each call.
 */
import { referenceTable } from "@supernode/core";

process.stdout.write(`${JSON.stringify(referenceTable())}\n`);
