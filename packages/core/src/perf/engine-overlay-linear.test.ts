import { describe, expect, it } from "vitest";
import { embeddedDataFiles } from "../catalog/index.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { selectOverlays, withEngineOverlays } from "./engine-overlay.ts";
import { readEngineOverlayFile } from "./engine-overlay-file.ts";
import { operatorReferenceCases } from "./reference-cases.ts";

const h100 = () => efficiencyProfile("h100-sxm");

describe("an engine's linear method (backend kind linear)", () => {
  it("vLLM's block-FP8 linear overlay applies to every model under vLLM on Hopper, whatever its attention", () => {
    for (const sel of [
      { engine: "vllm" },
      { engine: "vllm", modelAttention: "gqa" },
      { engine: "vllm", modelAttention: "mla-dense", expertWeights: "fp8" },
    ] as const)
      expect(selectOverlays(h100(), sel).map((o) => o.id)).toContain("vllm-block-fp8-linear-sm90");
    expect(selectOverlays(h100(), { engine: "trtllm" }).map((o) => o.id)).not.toContain(
      "vllm-block-fp8-linear-sm90",
    );
    expect(selectOverlays(efficiencyProfile("b200"), { engine: "vllm" }).map((o) => o.id)).not.toContain(
      "vllm-block-fp8-linear-sm90",
    );
  });

  it("replaces only the block-128x128 K walk of the dense GEMM class", () => {
    const base = h100();
    const p = withEngineOverlays(base, { engine: "vllm" });
    const walk = p.classes.gemm.kSerialSByScheme?.["block-128x128"];
    expect(walk?.value).toBeCloseTo(4.2964e-9, 15);
    expect(walk?.note).toMatch(/^engine overlay vllm-block-fp8-linear-sm90/);
    expect(p.classes.gemm.computeEfficiency).toEqual(base.classes.gemm.computeEfficiency);
    expect(p.classes["grouped-gemm"]).toEqual(base.classes["grouped-gemm"]);
    // TensorRT-LLM keeps the chip's walk (its CUTLASS kernel's, 1.1025 ns per element)
    const trtllm = withEngineOverlays(base, { engine: "trtllm", modelAttention: "gqa" });
    expect(trtllm.classes.gemm.kSerialSByScheme?.["block-128x128"]?.value).toBeCloseTo(1.1025e-9, 15);
  });

  it("vLLM's block-FP8 linear records take the walk, TensorRT-LLM's and the BF16 ones do not", () => {
    const cases = new Map(operatorReferenceCases().map((c) => [c.id, c]));
    const err = (id: string) => {
      const c = cases.get(id);
      if (c === undefined) throw new Error(`no reference case ${id}`);
      return c.predicted / c.published - 1;
    };
    expect(Math.abs(err("aic-vllm0190-h100-gemm-fp8block-m8-n4096-k2048"))).toBeLessThan(0.001); // its calibration
    expect(Math.abs(err("aic-vllm0190-h200-gemm-fp8block-m32-n4096-k2048"))).toBeLessThan(0.1); // held out, another chip
    expect(err("aic-vllm0190-h100-gemm-fp8block-m8-n4096-k1024")).toBeLessThan(-0.02); // linear in K from two launches:
    expect(err("aic-vllm0190-h100-gemm-fp8block-m8-n2560-k4096")).toBeGreaterThan(0.1); // short K under, long K over
    // the 0.14 table's Linear ran the activation quantisation as native kernels serving does not run: far under
    expect(err("aic-vllm-h100-gemm-fp8block-m8-n4096-k2048")).toBeLessThan(-0.4);
    expect(Math.abs(err("aic-vllm-h100-gemm-bf16-m8-n4096-k2048"))).toBeLessThan(0.05);
  });

  it("refuses a model filter on a linear backend (it would be ignored), naming file, field and what was expected", () => {
    const path = "efficiency/engines/vllm/linear-hopper.yaml";
    const text = embeddedDataFiles[path] ?? "";
    expect(text).toContain("      defaultFor: []\n");
    const read = (t: string) => readEngineOverlayFile(path, { [path]: t });
    expect(read(text).overlays[0]?.backend.kind).toBe("linear");
    expect(() => read(text.replace("      defaultFor: []\n", "      defaultFor: [gqa]\n"))).toThrow(
      /linear-hopper\.yaml.*defaultFor.*a linear backend applies to every model.*expected defaultFor: \[\] \(got gqa\)/s,
    );
    expect(() =>
      read(
        text.replace(
          "      defaultFor: []\n",
          "      defaultFor: []\n      defaultForExpertWeights: [fp8]\n",
        ),
      ),
    ).toThrow(/defaultForExpertWeights.*expected no defaultForExpertWeights/s);
  });
});
