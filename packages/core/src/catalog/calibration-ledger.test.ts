import { describe, expect, it } from "vitest";
import { calibrationLedger, recordIdOf, valuesSetFrom } from "./calibration-ledger.ts";

describe("calibrationLedger", () => {
  const files = {
    "fabric/x.yaml": [
      "libraries:",
      "  cann-ep:",
      "    outstandingTransfers: { value: 16, source: s, tag: assumption, calibratedOn: [cm384-021, cm384-022] }",
      "    fixedCostUs: { value: 10, source: s, tag: assumption }",
    ].join("\n"),
    "references/scenarios/s.yaml": [
      "deployment:",
      "  decode:",
      "    expertImbalance: { distribution: uniform-random }",
      "calibration:",
      "  - field: deployment.decode.expertImbalance",
      "    calibratedOn: [cm384-106]",
      "    note: chosen against the decode result",
    ].join("\n"),
    "efficiency/y.yaml": "a: { value: 1, calibratedOn: [nccl-h100-nvls-ar] }",
    "notes.md": "calibratedOn: [ignored]",
  };

  it("finds every value with calibratedOn, with its file, path and value", () => {
    const ledger = calibrationLedger(files);
    expect(ledger.map((v) => [v.file, v.path, v.value])).toEqual([
      ["fabric/x.yaml", "libraries.cann-ep.outstandingTransfers", 16],
      [
        "references/scenarios/s.yaml",
        "deployment.decode.expertImbalance",
        { distribution: "uniform-random" },
      ],
      ["efficiency/y.yaml", "a", 1],
    ]);
    expect(ledger[1]?.note).toBe("chosen against the decode result");
  });

  it("matches a case by its id or by its multi-part record's id", () => {
    const ledger = calibrationLedger(files);
    expect(valuesSetFrom("cm384-022", ledger).map((v) => v.path)).toEqual([
      "libraries.cann-ep.outstandingTransfers",
    ]);
    expect(valuesSetFrom("nccl-h100-nvls-ar:algbw", ledger).map((v) => v.path)).toEqual(["a"]);
    expect(valuesSetFrom("cm384-023", ledger)).toEqual([]);
    expect(recordIdOf("deepep-ll-v1-feb:EP8:dispatch")).toBe("deepep-ll-v1-feb");
  });
});
