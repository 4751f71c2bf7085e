import { describe, expect, it } from "vitest";
import { layerOperators, modelHeadOperators } from "../model/layer-operators.ts";
import { weightBytes, weightFormat } from "../model/weight-bytes.ts";
import { builtinModel } from "../model/zoo.ts";
import { estimate } from "../perf/step-estimate.ts";
import { parseOverride } from "../spec/scenario-overrides.ts";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { componentPrecisionOptions } from "./precision.ts";
import { parseScenario } from "./scenario.ts";

// The FP8 GB200 example with NVFP4 routed experts, shared experts and dense FFN, FP8 attention projections.
const BASE = `
system: gb200-nvl72
model: deepseek-r1
precision:
  weights: fp8
  activations: fp8
  components:
    attentionProjections: { weights: fp8, math: fp8 }
    experts: { weights: fp4, scheme: nvfp4-g16 }
deployment:
  decode:
    chipsPerInstance: 72
    moe: { ep: 72, redundantExperts: 32 }
    batchPerChip: 64
    kvLength: 4096
`;
const FILE = "fp4.yaml";
const parse = (text = BASE, ...sets: string[]) =>
  parseScenario(text, FILE, undefined, { overrides: sets.map(parseOverride) });
const withoutComponents = BASE.replace(/ {2}components:[\s\S]*?deployment:/, "deployment:");

describe("per-component precision", () => {
  it("resolves components with their math (W4A4 for fp4) and keeps the one-format default", () => {
    const s = parse();
    expect(s.precision.components).toEqual({
      attention: { weights: "fp8", math: "fp8" },
      "routed-experts": { weights: "fp4", scheme: "nvfp4-g16", math: "fp4" },
    });
    expect(parse(withoutComponents).precision.components).toBeUndefined();
  });

  it("stores each component in its format: NVFP4 experts shrink the weights, attention stays FP8", () => {
    const arch = builtinModel("deepseek-r1");
    const fp8 = weightBytes(arch, "fp8");
    const mixed = weightBytes(arch, "fp8", { components: { "routed-experts": weightFormat("fp4") } });
    const fp4 = weightBytes(arch, "fp4");
    expect(mixed.byComponent.attention).toBe(fp8.byComponent.attention);
    expect(mixed.byComponent["routed-experts"]).toBe(fp4.byComponent["routed-experts"]);
    // NVFP4: 0.5 byte per value + one FP8 scale per 16 values (+ one fp32 per tensor).
    const routedParams = fp8.byComponent["routed-experts"] / (1 + 4 / (128 * 128));
    expect(mixed.byComponent["routed-experts"] / routedParams).toBeCloseTo(0.5 + 1 / 16, 3);

    const s = parse();
    const e = estimate(s);
    const plain = estimate(parse(withoutComponents));
    const w = e.decode?.memory.perRank.weightsByComponent ?? {};
    const wp = plain.decode?.memory.perRank.weightsByComponent ?? {};
    expect(w.attention).toBe(wp.attention);
    expect((w["routed-experts"] ?? 0) / (wp["routed-experts"] ?? 1)).toBeCloseTo(0.5625, 2);
  });

  it("runs each component's GEMMs in its math format and the attention core in precision.attention", () => {
    const s = parse();
    const options = {
      weightDtype: s.precision.weights,
      computeDtype: s.precision.activations,
      attentionDtype: s.precision.attention,
      componentPrecision: componentPrecisionOptions(s.precision),
    };
    const workload = { phase: "decode", sequences: 64, kvTokens: 64 * 4096 } as const;
    const ops = [
      ...layerOperators(s.model, 10, workload, options),
      ...modelHeadOperators(s.model, workload, options),
    ];
    const dtype = (name: string) => ops.find((o) => o.name === name)?.dtype;
    expect(dtype("moe.experts.gate_up_proj")).toBe("fp4");
    expect(dtype("attn.o_proj")).toBe("fp8");
    expect(dtype("attn.core")).toBe("bf16");
    expect(dtype("moe.shared.down_proj")).toBe("fp8");
    expect(dtype("head.lm_head")).toBe("bf16");
    // The experts' weight reads shrink with their format (0.5625 byte per value for NVFP4).
    const fp8Ops = layerOperators(s.model, 10, workload, { ...options, componentPrecision: {} });
    const read = (list: typeof ops) =>
      list.find((o) => o.name === "moe.experts.down_proj")?.bytesRead.weights ?? 0;
    expect(read(ops) / read(fp8Ops)).toBeCloseTo(0.5625, 3);
  });

  it("refuses FP4 on the Ascend 910C naming every field, and runs it when fp4 and fp8 are mapped to int8", () => {
    const cm = [
      "system=cloudmatrix384",
      "deployment.decode.chipsPerInstance=160",
      "deployment.decode.moe={ ep: 320, redundantExperts: 64 }",
    ];
    const e = supernodeErrorOf(() => parse(BASE, ...cm));
    expect(e.kind).toBe("unsupported");
    expect(e.message).toContain("no fp4 tensor math (precision.components.experts.weights");
    expect(e.message).toContain("--map-dtype fp4=int8");
    const s = parseScenario(BASE, FILE, undefined, {
      overrides: cm.map(parseOverride),
      dtypeMapping: { fp4: "int8", fp8: "int8" },
    });
    // The NVFP4 scheme belongs to fp4; mapped to int8 the experts take INT8's per-channel default.
    expect(s.precision.components?.["routed-experts"]).toEqual({ weights: "int8", math: "int8" });
    expect(estimate(s).decode?.tpotS).toBeGreaterThan(0);
  });

  it("runs weight-only FP4 experts (math bf16) on a chip without FP4 math, weights at 4.25 bits", () => {
    const h200 = [
      "system=hgx-h200",
      "deployment.decode.chipsPerInstance=8",
      "deployment.decode.moe={ ep: 8 }",
    ];
    const s = parse(
      BASE.replace(
        "experts: { weights: fp4, scheme: nvfp4-g16 }",
        "experts: { weights: fp4, scheme: mxfp4-g32, math: bf16 }",
      ),
      ...h200,
    );
    expect(s.precision.components?.["routed-experts"]).toMatchObject({ weights: "fp4", math: "bf16" });
    expect(estimate(s).decode?.tpotS).toBeGreaterThan(0);
  });

  it("runs INT4 weight-only experts (W4A16) in BF16 math at 4.5 bits, and refuses INT4 math", () => {
    const bf16 = BASE.replace("weights: fp8\n  activations: fp8", "weights: bf16\n  activations: bf16");
    const int4 = parse(
      bf16.replace("experts: { weights: fp4, scheme: nvfp4-g16 }", "experts: { weights: int4, math: bf16 }"),
    );
    expect(int4.precision.components?.["routed-experts"]).toEqual({ weights: "int4", math: "bf16" });
    const fp4 = parse(
      bf16.replace("experts: { weights: fp4, scheme: nvfp4-g16 }", "experts: { weights: fp4, math: bf16 }"),
    );
    // 4 bits + a bf16 scale per 32 (4.5 bits) against NVFP4's 4 bits + an fp8 scale per 16 (4.5 bits
    // plus a per-tensor fp32): the same size to within the per-tensor scales.
    const bytes = (s: typeof int4) => estimate(s).decode?.memory.weightsBytes ?? Number.NaN;
    expect(bytes(int4) / bytes(fp4)).toBeCloseTo(1, 3);
    expect(estimate(int4).decode?.tpotS).toBeGreaterThan(0);
    const e = supernodeErrorOf(() =>
      parse(
        bf16.replace(
          "experts: { weights: fp4, scheme: nvfp4-g16 }",
          "experts: { weights: int4, math: int4 }",
        ),
      ),
    );
    expect(e.message).toContain("has no int4 tensor math");
    expect(e.message).toContain("precision.components.experts.math");
  });

  it("refuses a scheme that does not fit its format at the component's field", () => {
    const e = supernodeErrorOf(() => parse(BASE.replace("scheme: nvfp4-g16", "scheme: per-channel")));
    expect(e.message).toContain("field precision.components.experts.weights");
    expect(e.message).toContain("per-channel does not apply to fp4");
  });

  it("precision.indexer sets the DSA indexer's format, checked against the chip", () => {
    const ascend = `
system: atlas-800t-a3
model: deepseek-v3.2-exp
precision: { weights: int8, activations: int8, kvCache: bf16, indexer: bf16 }
deployment:
  decode: { chipsPerInstance: 16, moe: { ep: 32 }, attention: { tp: 4 }, batchPerChip: 2, kvLength: 65536 }
`;
    const s = parse(ascend);
    expect(s.precision.indexer).toBe("bf16");
    // at 64K the BF16 scores (half the INT8 rate, twice the key bytes) lengthen the step
    const quant = parse(ascend.replace("indexer: bf16", "indexer: int8"));
    expect(estimate(s).decode?.tpotS ?? 0).toBeGreaterThan(estimate(quant).decode?.tpotS ?? Number.NaN);
    // without the field: int8 under int8 math, as before
    expect(parse(ascend.replace(", indexer: bf16", "")).precision.indexer).toBeUndefined();
    const e = supernodeErrorOf(() => parse(ascend.replace("indexer: bf16", "indexer: fp8")));
    expect(e.message).toContain("precision.indexer");
  });
});
