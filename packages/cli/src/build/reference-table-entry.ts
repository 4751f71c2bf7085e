/**
 * Prints the reference table (core's `referenceTable()`: every end-to-end case's operating point
 * and prediction) as JSON. scripts/build-cli.mjs runs this entry of the fresh build and stores the
 * output as packages/cli/dist/reference-table.json, which `supernode estimate` reads
 * (build-assets.ts) instead of parsing and predicting every case at each call.
 *
 * The table is tens of seconds of CPU (every case's estimate) and each build of changed sources
 * computes it, so the entry computes it in parts, one process per core (at most MAX_PARTS): it
 * runs itself with `--part=<index>/<count>` (core's `referenceTablePart`: whole scenario runs, so
 * no estimate is made twice) and joins the parts (`joinReferenceTable`): the same rows in the same
 * order, so the same JSON, as one process computing `referenceTable()`.
 */
import { execFile } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  joinReferenceTable,
  type ReferenceTablePart,
  referenceTable,
  referenceTablePart,
} from "@supernode/core";

/** Processes the table is split over at most (each parses the catalog and the cases once). */
const MAX_PARTS = 4;

const PART = /^--part=(\d+)\/(\d+)$/;

async function main(): Promise<void> {
  const part = PART.exec(process.argv[2] ?? "");
  if (part !== null) {
    process.stdout.write(`${JSON.stringify(referenceTablePart(Number(part[1]), Number(part[2])))}\n`);
    return;
  }
  const count = Math.min(MAX_PARTS, availableParallelism());
  if (count <= 1) {
    process.stdout.write(`${JSON.stringify(referenceTable())}\n`);
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const parts = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [...process.execArgv, self, `--part=${index}/${count}`],
        { encoding: "utf8", maxBuffer: 1 << 26 },
      );
      return JSON.parse(stdout) as ReferenceTablePart;
    }),
  );
  process.stdout.write(`${JSON.stringify(joinReferenceTable(parts))}\n`);
}

await main();
