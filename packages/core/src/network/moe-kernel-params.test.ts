import { describe, expect, it } from "vitest";
import { SupernodeError } from "../spec/errors.ts";
import { builtinMoeKernelParams, parseMoeKernelParams } from "./moe-kernel-params.ts";

describe("MoE kernel parameters", () => {
  it("loads the built-in per-copy cost of CANN EP with its sources, in seconds", () => {
    const p = builtinMoeKernelParams();
    expect(p["cann-ep"].perCopyCostS?.value).toBeCloseTo(1.169e-7, 12);
    expect(p["cann-ep"].perCopyCostS?.sources.map((s) => s.key)).toEqual(["cm384-v2-t7", "cann-dispatch-v2"]);
    expect(p["cann-ep"].perCopyCostS?.note).toMatch(/Calibration on cm384-017/);
    expect(p.nccl.perCopyCostS).toBeUndefined();
    expect(p.deepep.perCopyCostS).toBeUndefined();
  });

  it("rejects an unknown source key and a misspelt field, naming them", () => {
    const head = 'sources: { a: { title: "t", url: "https://example.com" } }\n';
    expect(() =>
      parseMoeKernelParams(
        `${head}kernels: { cann-ep: { perCopyCostUs: { value: 1, source: b, tag: derived } } }\n`,
        "k.yaml",
      ),
    ).toThrow(/unknown source key "b"/);
    let error: unknown;
    try {
      parseMoeKernelParams(`${head}kernels: { cann-ep: { perCopyCostNs: 1 } }\n`, "k.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SupernodeError);
    expect(String((error as Error).message)).toMatch(/k\.yaml/);
  });
});
