import { builtinCatalog, compareSystems, SupernodeError } from "@supernode/core";
import { describe, expect, it } from "vitest";
import { decodeText, encodeText, formatHash, parseHash } from "../src/app/route.ts";
import { readKnob, scenarioRoles, writeKnob } from "../src/app/scenario-doc.ts";
import { compareJob } from "../src/worker/jobs/compare-job.ts";
import { displayUnit, formatValue } from "../src/worker/jobs/display-unit.ts";
import { toShownError } from "../src/worker/shown-error.ts";

describe("URL state", () => {
  it("round-trips a view and its parameters through the hash", () => {
    const params = new URLSearchParams({ systems: "cloudmatrix384,gb200-nvl72" });
    const route = parseHash(formatHash("compare", params));
    expect(route.view).toBe("compare");
    expect(route.params.get("systems")).toBe("cloudmatrix384,gb200-nvl72");
    expect(parseHash("#/nonsense").view).toBe("compare");
  });

  it("round-trips any UTF-8 scenario text through base64url", () => {
    const text = "name: Décodage ≥ 50 ms — 中文\nsystem: cloudmatrix384\n";
    const encoded = encodeText(text);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeText(encoded)).toBe(text);
    expect(decodeText("%%%")).toBeUndefined();
  });
});

describe("scenario knobs", () => {
  const text =
    "# comment kept\nsystem: cloudmatrix384\ndeployment:\n  decode:\n    batchPerChip: 96 # per NPU\n";
  it("reads and writes one setting, keeping comments", () => {
    expect(scenarioRoles(text)).toEqual(["decode"]);
    expect(readKnob(text, ["deployment", "decode", "batchPerChip"])).toBe(96);
    const changed = writeKnob(text, ["deployment", "decode", "batchPerChip"], 64);
    expect(readKnob(changed, ["deployment", "decode", "batchPerChip"])).toBe(64);
    expect(changed).toContain("# comment kept");
    expect(changed).toContain("# per NPU");
  });
  it("leaves invalid YAML alone", () => {
    expect(writeKnob("a: [", ["a"], 1)).toBe("a: [");
    expect(readKnob("a: [", ["a"])).toBeUndefined();
    expect(scenarioRoles("a: [")).toEqual([]);
  });
});

describe("compare job", () => {
  it("shows exactly core's compareSystems figures, one unit per row", () => {
    const ids = ["cloudmatrix384", "gb200-nvl72"];
    const result = compareJob({ systemIds: ids });
    const catalog = builtinCatalog();
    const core = compareSystems(ids.map((id) => catalog.system(id)));
    const rows = result.groups.flatMap((g) => g.rows);
    expect(rows.map((r) => r.id).sort()).toEqual(core.rows.map((r) => r.key).sort());
    for (const row of core.rows) {
      const shown = rows.find((r) => r.id === row.key);
      row.values.forEach((v, i) => {
        expect(shown?.cells[i]?.value).toBe(v?.value ?? null);
      });
      expect(shown?.ratios[0]).toBe(row.ratios[1] === null ? null : `${row.ratios[1]?.toFixed(2)}×`);
    }
    const bf16 = rows.find((r) => r.id === "peakFlopsPerS.bf16");
    expect(bf16?.unit).toBe("PFLOPS");
    expect(bf16?.cells[0]?.source?.sources.length).toBeGreaterThan(0);
  });
  it("names an unknown system with the CLI's message", () => {
    expect(() => compareJob({ systemIds: ["cloudmatrix385"] })).toThrow(/unknown system "cloudmatrix385"/);
  });
});

describe("display units and errors", () => {
  it("picks the largest unit in which the largest value is at least 1", () => {
    expect(displayUnit("FLOP/s", [2.9952e17, 1.8e17]).label).toBe("PFLOPS");
    expect(displayUnit("bytes/s", [9e11]).label).toBe("GB/s");
    expect(formatValue(1228.8)).toBe("1,229");
    expect(formatValue(3.6)).toBe("3.60");
  });
  it("keeps a SupernodeError's message and marks anything else internal", () => {
    expect(toShownError(new SupernodeError("schema", "bad", { file: "a.yaml", line: 3 }))).toEqual({
      kind: "schema",
      message: "a.yaml:3: bad",
      internal: false,
    });
    expect(toShownError(new TypeError("x")).internal).toBe(true);
  });
});
