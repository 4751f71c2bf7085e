/**
 * Cross-check of the reference cases' published values against ../shared/references/calibration.json
 * (the project's shared record of published measurements, beside the checkout; in CI it is there,
 * read-only). Every operator, fabric, end-to-end, training and energy case whose record is in that file
 * must copy its record's value (cases from sources the file does not hold — DeepGEMM's per-shape
 * table, FlashAttention-3's figure, later additions — carry their own source). Without the
 * file the check fails when CI=true (the CI entry point .ci/run sets it) and is skipped, with a
 * message, only outside CI (docs/validation.md, "Cross-check against the shared references").
 */
// biome-ignore lint/correctness/noNodejsModules: this test reads the shared reference file on disk
import { existsSync, readFileSync } from "node:fs";
// biome-ignore lint/correctness/noNodejsModules: the test reads CI and SUPERNODE_REFERENCES_DIR and says when it skips
import { env, stderr } from "node:process";
import { describe, expect, it } from "vitest";
import { recordIdOf } from "../catalog/calibration-ledger.ts";
import { fabricReferenceCases } from "../network/reference-cases.ts";
import { operatorReferenceCases } from "../perf/reference-cases.ts";
import { trainingCaseSpecs } from "../training/reference-cases.ts";
import { endToEndCaseSpecs } from "./validate-end-to-end.ts";
import { energyCaseSpecs } from "./validate-energy.ts";

const dir = env.SUPERNODE_REFERENCES_DIR;
const file =
  dir !== undefined && dir !== ""
    ? `${dir.replace(/\/$/, "")}/calibration.json`
    : new URL("../../../../../shared/references/calibration.json", import.meta.url).pathname;
const present = existsSync(file);
const inCi = env.CI === "true" || env.CI === "1";
if (!present && !inCi)
  stderr.write(
    `calibration-crosscheck: ${file} not found — the published-value cross-check is SKIPPED (outside CI only; set SUPERNODE_REFERENCES_DIR to run it)\n`,
  );

interface SharedRecord {
  readonly id: string;
  readonly value: unknown;
  readonly conditions?: unknown;
}

/** Every number in a record's value, numbers written in its strings ("180K" too), and its "a-b" ranges. */
function numbersOf(x: unknown, out: { exact: number[]; ranges: [number, number][] }): void {
  if (typeof x === "number") out.exact.push(x);
  else if (typeof x === "string") {
    for (const m of x.matchAll(/(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)/g))
      out.ranges.push([Number(m[1]), Number(m[2])]);
    for (const m of x.matchAll(/(\d+(?:\.\d+)?)\s*([KM])?\b/g))
      out.exact.push(Number(m[1]) * (m[2] === "K" ? 1e3 : m[2] === "M" ? 1e6 : 1));
  } else if (Array.isArray(x)) for (const v of x) numbersOf(v, out);
  else if (typeof x === "object" && x !== null) {
    const o = x as Record<string, unknown>;
    if (typeof o.low === "number" && typeof o.high === "number") out.ranges.push([o.low, o.high]);
    for (const v of Object.values(o)) numbersOf(v, out);
  }
}

function matches(published: number, record: SharedRecord): boolean {
  const found = { exact: [] as number[], ranges: [] as [number, number][] };
  numbersOf(record.value, found);
  numbersOf(record.conditions, found);
  return (
    found.exact.includes(published) || found.ranges.some(([lo, hi]) => published >= lo && published <= hi)
  );
}

describe("published values against ../shared/references/calibration.json", () => {
  it("finds the shared reference file (required in CI)", () => {
    if (!present && inCi)
      throw new Error(
        `${file} is missing: in CI the shared references must sit beside the checkout as ../shared (or set SUPERNODE_REFERENCES_DIR)`,
      );
    expect(present || !inCi).toBe(true);
  });

  it.runIf(present)("every reference case copies its record's published value", () => {
    const records = JSON.parse(readFileSync(file, "utf8")) as SharedRecord[];
    const byId = new Map(records.map((r) => [r.id, r]));
    const cases = [
      ...operatorReferenceCases().map((c) => ({ kind: "operator", id: c.id, published: c.published })),
      ...fabricReferenceCases().map((c) => ({ kind: "fabric", id: c.id, published: c.published })),
      ...endToEndCaseSpecs().map((c) => ({ kind: "end-to-end", id: c.id, published: c.published })),
      ...trainingCaseSpecs().map((c) => ({ kind: "training", id: c.id, published: c.published })),
      ...energyCaseSpecs().map((c) => ({ kind: "energy", id: c.id, published: c.published })),
    ];
    const problems: string[] = [];
    let checked = 0;
    for (const c of cases) {
      const record = byId.get(recordIdOf(c.id));
      if (record === undefined) continue;
      checked++;
      if (!matches(c.published, record))
        problems.push(
          `${c.kind} ${c.id}: published ${c.published} is not in ${JSON.stringify(record.value)}`,
        );
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(150);
  });
});
