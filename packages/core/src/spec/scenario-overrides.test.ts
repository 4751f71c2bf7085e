import { describe, expect, it } from "vitest";
import { applyOverrides, overrideAt, parseOverride } from "./scenario-overrides.ts";
import { supernodeErrorOf } from "./test-support/supernode-error-of.ts";

describe("scenario overrides", () => {
  it("parses key=value with YAML values and applies them to a copy, creating sections", () => {
    const data = { deployment: { decode: { batchPerChip: 96 } } };
    const out = applyOverrides(data, [
      parseOverride("deployment.decode.batchPerChip=64"),
      parseOverride("workload.arrival={ kind: poisson }"),
    ]);
    expect(out).toEqual({
      deployment: { decode: { batchPerChip: 64 } },
      workload: { arrival: { kind: "poisson" } },
    });
    expect(data.deployment.decode.batchPerChip).toBe(96);
  });

  it("rejects a malformed key and a path through a value", () => {
    expect(supernodeErrorOf(() => parseOverride("=1")).kind).toBe("usage");
    expect(supernodeErrorOf(() => parseOverride("a..b=1")).message).toContain("empty path segment");
    const e = supernodeErrorOf(() => applyOverrides({ a: 1 }, [parseOverride("a.b=2")]));
    expect(e.message).toBe("--set a.b: a is a value, not a section");
  });

  it("refuses __proto__ instead of writing to Object.prototype", () => {
    const e = supernodeErrorOf(() => applyOverrides({}, [parseOverride("__proto__.polluted=1")]));
    expect(e.kind).toBe("usage");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("removes a field or section with null, and ignores null on a missing path", () => {
    const data = { deployment: { decode: { mtp: { draftTokens: 1 }, batchPerChip: 8 } } };
    const out = applyOverrides(data, [
      parseOverride("deployment.decode.mtp=null"),
      parseOverride("workload.arrival=null"),
    ]);
    expect(out).toEqual({ deployment: { decode: { batchPerChip: 8 } } });
  });

  it("finds the override that wrote a field, the last one winning", () => {
    const sets = [parseOverride("deployment.decode={ batchPerChip: 1 }"), parseOverride("a.b=2")];
    expect(overrideAt(["deployment", "decode", "batchPerChip"], sets)?.text).toBe(
      "deployment.decode={ batchPerChip: 1 }",
    );
    expect(overrideAt(["deployment", "decode"], sets, "batch")?.text).toBe(
      "deployment.decode={ batchPerChip: 1 }",
    );
    expect(overrideAt(["deployment"], sets)).toBeUndefined();
  });
});
