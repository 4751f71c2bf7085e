import { describe, expect, it } from "vitest";
import { embeddedDataFiles } from "../catalog/embedded-data.generated.ts";
import { OPERATOR_CLASSES } from "../model/types.ts";
import { SupernodeError } from "../spec/errors.ts";
import { efficiencyProfile, efficiencyProfileForChip, loadEfficiencyProfile } from "./efficiency-profile.ts";

describe("efficiencyProfile", () => {
  it("loads the 910C profile with measured MLA values and fitted GEMM values, each sourced", () => {
    const p = efficiencyProfile("ascend-910c");
    expect(p.basis).toBe("measured");
    const decode = p.classes["attention-decode"];
    expect(decode.memoryEfficiency.value).toBeCloseTo(0.841, 3);
    expect(decode.memoryEfficiency.tag).toBe("measured");
    expect(decode.memoryEfficiency.defaulted).toBe(false);
    expect(decode.memoryEfficiency.sources[0]?.url).toContain("arxiv.org/abs/2506.12708");
    const gemm = p.classes["grouped-gemm"];
    expect(gemm.computeEfficiency.int8?.tag).toBe("derived");
    expect(gemm.tileN?.value).toBe(152);
    expect(gemm.launchOverheadS.value).toBeCloseTo(5e-6, 12);
    // The 910C has no FP8; the entry exists only as the default and is flagged as such.
    expect(gemm.computeEfficiency.fp8?.defaulted).toBe(true);
  });

  it("gives every class of every built-in profile all values with at least one source", () => {
    for (const chip of [
      "ascend-910c",
      "h800-sxm",
      "h100-sxm",
      "h200-sxm",
      "b200",
      "gb200",
      "gb300",
      "b300",
    ]) {
      const p = efficiencyProfile(chip);
      for (const cls of OPERATOR_CLASSES) {
        const c = p.classes[cls];
        for (const v of [c.memoryEfficiency, c.launchOverheadS, ...Object.values(c.computeEfficiency)]) {
          expect(v.sources.length, `${chip} ${v.parameter}`).toBeGreaterThan(0);
          expect(v.value, `${chip} ${v.parameter}`).toBeGreaterThan(0);
        }
      }
    }
  });

  it("marks H100/H200 values inherited from the H800 as assumptions, with the reason", () => {
    const h100 = efficiencyProfile("h100-sxm");
    expect(h100.basis).toBe("inherited");
    expect(h100.files[0]).toBe("efficiency/h100-sxm.yaml");
    const fp8 = h100.classes.gemm.computeEfficiency.fp8;
    expect(fp8?.value).toBeCloseTo(0.7425, 4);
    expect(h100.classes["grouped-gemm"].cores?.value).toBe(132);
    expect(h100.classes["grouped-gemm"].tileNStep?.tag).toBe("assumption");
    expect(fp8?.tag).toBe("assumption");
    expect(fp8?.note).toContain("inherited from h800-sxm");
    expect(fp8?.defaulted).toBe(false);
  });

  it("falls back to the documented default profile for chips without a file", () => {
    const p = efficiencyProfile("grace-blackwell-mystery");
    expect(p.basis).toBe("default");
    expect(p.files).toEqual(["efficiency/default.yaml"]);
    expect(p.classes.gemm.computeEfficiency.fp4?.defaulted).toBe(true);
    expect(p.classes.gemm.computeEfficiency.fp4?.tag).toBe("assumption");
    expect(p.classes.gemm.tileM).toBeUndefined();
  });

  it("gives SKU variants and derived chips the profile of the chip they extend", () => {
    const sku = efficiencyProfileForChip({ id: "ascend-910c-752", origin: { extends: "ascend-910c" } });
    expect(sku.basis).toBe("inherited");
    expect(sku.chipId).toBe("ascend-910c-752");
    expect(sku.files[0]).toBe("efficiency/ascend-910c.yaml");
    const chain = efficiencyProfileForChip({ id: "mine", origin: { extends: "mid" } }, (id) =>
      id === "mid" ? { origin: { extends: "h800-sxm" } } : undefined,
    );
    expect(chain.files[0]).toBe("efficiency/h800-sxm.yaml");
    expect(efficiencyProfileForChip({ id: "my-npu", origin: {} }).basis).toBe("default");
    expect(efficiencyProfileForChip({ id: "gb200", origin: {} }).basis).toBe("inherited");
  });

  it("rejects an unknown source key with file, line and field", () => {
    const files = {
      ...embeddedDataFiles,
      "efficiency/x.yaml": [
        "chip: x",
        "description: test",
        "sources:",
        "  a: { title: t, url: u }",
        "classes:",
        "  gemm:",
        "    memoryEfficiency: { value: 0.5, source: b, tag: measured }",
      ].join("\n"),
    };
    expect(() => loadEfficiencyProfile("x", files)).toThrow(SupernodeError);
    expect(() => loadEfficiencyProfile("x", files)).toThrow(
      /efficiency\/x\.yaml:7:\d+, field classes\.gemm\.memoryEfficiency\.source: unknown source "b"/,
    );
  });

  it("rejects an efficiency above 1 at its line", () => {
    const files = {
      ...embeddedDataFiles,
      "efficiency/x.yaml": [
        "chip: x",
        "description: test",
        "sources: { a: { title: t, url: u } }",
        "classes:",
        "  vector:",
        "    memoryEfficiency: { value: 1.5, source: a, tag: measured }",
      ].join("\n"),
    };
    expect(() => loadEfficiencyProfile("x", files)).toThrow(/x\.yaml:6:.*fraction of peak in \(0, 1\]/);
  });

  it("rejects an extends cycle and an extends to a missing file", () => {
    const file = (chip: string, parent: string) =>
      `chip: ${chip}\ndescription: t\nextends: { chip: ${parent}, note: n }\nsources: {}\nclasses: {}\n`;
    const cycle = {
      ...embeddedDataFiles,
      "efficiency/p.yaml": file("p", "q"),
      "efficiency/q.yaml": file("q", "p"),
    };
    expect(() => loadEfficiencyProfile("p", cycle)).toThrow(/cycle/);
    const missing = { ...embeddedDataFiles, "efficiency/p.yaml": file("p", "nope") };
    expect(() => loadEfficiencyProfile("p", missing)).toThrow(/extends "nope"/);
  });

  it("gives Blackwell measured attention and no defaulted GEMM/attention efficiency in BF16/FP8/FP4", () => {
    for (const chip of ["b200", "gb200", "gb300", "b300"]) {
      const p = efficiencyProfile(chip);
      for (const cls of ["gemm", "grouped-gemm", "attention-prefill", "attention-decode"] as const)
        for (const dtype of ["bf16", "fp8", "fp4"] as const)
          expect(p.classes[cls].computeEfficiency[dtype]?.defaulted, `${chip} ${cls} ${dtype}`).toBe(false);
    }
    const b200 = efficiencyProfile("b200");
    expect(b200.classes["attention-prefill"].computeEfficiency.bf16?.tag).toBe("measured");
    expect(b200.classes["attention-prefill"].computeEfficiency.bf16?.value).toBeCloseTo(1460 / 2250, 3);
    // dense MLA decode: TensorRT-LLM's trtllm-gen kernel (fitted); DSA's sparse decode: FlashMLA's 1,024 TFLOPS
    expect(b200.classes["attention-decode"].computeEfficiency.bf16?.value).toBeCloseTo(0.595, 3);
    expect(b200.classes["attention-decode"].sparseDecodeCeiling?.value).toBeCloseTo(1024 / 2250, 3);
    expect(efficiencyProfile("gb200").classes.gemm.computeEfficiency.fp4?.note).toContain(
      "inherited from b200",
    );
  });
});
