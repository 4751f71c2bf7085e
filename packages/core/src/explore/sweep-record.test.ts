import { describe, expect, it } from "vitest";
import { mergeSweepRecords, parseSweepLines, type SweepRecord, sweepLine } from "./sweep-record.ts";

const rec = (id: string, tpotS: number): SweepRecord => ({
  id,
  plan: "abc",
  version: "0.1.0",
  set: { "deployment.decode.batchPerChip": 8 },
  result: {
    decodeTokensPerSPerChip: 1,
    prefillTokensPerSPerChip: null,
    tpotS,
    ttftS: null,
    memoryBytesPerChip: 1,
    capacityBytesPerChip: 2,
    bound: "memory",
  },
});

describe("sweep records", () => {
  it("merges shards sorted by id, one line per point", () => {
    const a = [rec("p000002", 0.2), rec("p000000", 0.1)];
    const b = [rec("p000001", 0.3), rec("p000000", 0.1)];
    const merged = mergeSweepRecords([
      { name: "a", records: a },
      { name: "b", records: b },
    ]);
    expect(parseSweepLines(merged, "m").map((r) => r.id)).toEqual(["p000000", "p000001", "p000002"]);
    expect(merged.startsWith(sweepLine(rec("p000000", 0.1)))).toBe(true);
  });

  it("refuses two different results for one point", () => {
    expect(() =>
      mergeSweepRecords([
        { name: "a", records: [rec("p000000", 0.1)] },
        { name: "b", records: [rec("p000000", 0.2)] },
      ]),
    ).toThrow(/p000000.*differs/);
  });

  it("ignores a cut-off last line and names the line of a bad one", () => {
    const text = `${sweepLine(rec("p000000", 0.1))}{"id":"p0000`;
    expect(parseSweepLines(text, "r.jsonl")).toHaveLength(1);
    expect(() => parseSweepLines(`nope\n${sweepLine(rec("p000000", 0.1))}`, "r.jsonl")).toThrow(/r\.jsonl:1/);
  });
});
