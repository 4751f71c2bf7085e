/**
 * A bounded, seeded slice of the fuzz run (`npm run fuzz` runs millions): every mutant of the
 * shipped inputs ends in a result with finite, non-negative figures or in a located SupernodeError.
 */
import { describe, expect, it } from "vitest";
import { fuzzCase, loadFuzzCorpus } from "./fuzz-corpus.ts";
import { runFuzz } from "./fuzz-pool.ts";
import { fuzzOne } from "./fuzz-target.ts";
import type { FuzzRecord } from "./fuzz-worker.ts";

const SLICE = 150;

describe("fuzz", () => {
  const corpus = loadFuzzCorpus();

  it(`${SLICE} mutants of the shipped inputs: only results and located errors`, () => {
    const defects: string[] = [];
    const seen = new Set<string>();
    for (let index = 0; index < SLICE; index++) {
      const input = fuzzCase(corpus, 20261203, index);
      const { outcome, detail } = fuzzOne(input);
      seen.add(outcome);
      if (outcome !== "ok" && outcome !== "error")
        defects.push(`case ${index} (${input.kind}: ${input.mutation}): ${outcome} ${detail}`);
    }
    expect(defects).toEqual([]);
    // The slice exercises both ends: some mutants still run, most are refused.
    expect([...seen].sort()).toEqual(["error", "ok"]);
  });

  it("the same case is the same mutant every time", () => {
    expect(fuzzCase(corpus, 5, 17)).toEqual(fuzzCase(corpus, 5, 17));
    expect(fuzzCase(corpus, 5, 17).text).not.toEqual(fuzzCase(corpus, 5, 18).text);
  });

  it("the worker pool classifies cases as the in-process target does", async () => {
    const records: FuzzRecord[] = [];
    await runFuzz({ seed: 7, first: 0, count: 6, threads: 1, onRecord: (r) => records.push(r) });
    records.sort((a, b) => a.index - b.index);
    expect(records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const record of records)
      expect(record.outcome).toBe(fuzzOne(fuzzCase(corpus, 7, record.index)).outcome);
  });
});
