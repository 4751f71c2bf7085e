import { describe, expect, it } from "vitest";
import { type LayerOperatorOptions, layerOperators, type ModelWorkload } from "../model/index.ts";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { globMatches, isBf16Block, withOperatorFormats } from "./operator-precision.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { pipelineCompute } from "./stage-compute.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const NVFP4 = "nemotron-3-super-gb300-64-nvfp4";
const scenario = (name: string, overrides: { path: (string | number)[]; value: unknown }[] = []) =>
  parseTrainingScenario(trainingScenarioText(name), `${name}.yaml`, undefined, {
    overrides: overrides as { path: string[]; value: unknown }[],
  });
const busyS = (s: ReturnType<typeof scenario>) => {
  const b = pipelineCompute(s).bottleneck;
  return b.forwardS + b.backwardDataS + b.backwardWeightS + b.recomputeS;
};

describe("operator-name globs", () => {
  it("match whole names, * standing for any text and dots literal", () => {
    expect(globMatches("attn.qkv_proj*", "attn.qkv_proj")).toBe(true);
    expect(globMatches("attn.qkv_proj*", "attn.qkv_proj.dgrad")).toBe(true);
    expect(globMatches("attn.qkv_proj*", "mtp0.attn.qkv_proj")).toBe(false);
    expect(globMatches("mtp*", "mtp0.eh_proj.wgrad")).toBe(true);
    expect(globMatches("lin.out_proj", "linXout_proj")).toBe(false);
  });
});

describe("Megatron's first_last_layers_bf16 (precision.bf16Layers)", () => {
  it("keeps the last `end` and first `start` of the decoder blocks in BF16", () => {
    const last14 = { start: 0, end: 14 };
    expect(isBf16Block(last14, 73, 88)).toBe(false);
    expect(isBf16Block(last14, 74, 88)).toBe(true);
    expect(isBf16Block(last14, 87, 88)).toBe(true);
    expect(isBf16Block(last14, 0, 88)).toBe(false);
    expect(isBf16Block({ start: 1, end: 0 }, 0, 88)).toBe(true);
  });

  it("is the Super NVFP4 recipe's 14 blocks, and every block BF16 times the layers as the BF16 job", () => {
    expect(scenario(NVFP4).precision.bf16Layers).toEqual({ start: 0, end: 14 });
    // All 88 blocks and the MTP block in BF16: the decoder and MTP operators are the BF16 job's.
    const allBf16 = scenario(NVFP4, [
      { path: ["precision", "bf16Layers"], value: { end: 88 } },
      { path: ["precision", "operatorFormats"], value: [{ operators: ["mtp*"], compute: "bf16" }] },
    ]);
    const bf16Job = scenario(NVFP4, [
      { path: ["precision", "compute"], value: "bf16" },
      { path: ["precision", "bf16Layers"], value: null },
      { path: ["precision", "operatorFormats"], value: [] },
    ]);
    expect(busyS(allBf16)).toBeCloseTo(busyS(bf16Job), 12);
    // The recipe's 14 BF16 blocks and matchers sit between all-NVFP4 and all-BF16.
    const allFp4 = scenario(NVFP4, [
      { path: ["precision", "bf16Layers"], value: null },
      { path: ["precision", "operatorFormats"], value: [] },
    ]);
    expect(busyS(scenario(NVFP4))).toBeGreaterThan(busyS(allFp4));
    expect(busyS(scenario(NVFP4))).toBeLessThan(busyS(bf16Job));
  });
});

describe("TE quantization matchers (precision.operatorFormats)", () => {
  const arch = scenario(NVFP4).model;
  const w: ModelWorkload = {
    phase: "train-forward",
    sequences: 1,
    tokens: 8192,
    attendedTokenPairs: 8192 * 4096,
  };
  const fp4: LayerOperatorOptions = { weightDtype: "fp4", computeDtype: "fp4", activationDtype: "bf16" };
  // Block 7 of Super's pattern is an attention block.
  const build = (o: LayerOperatorOptions) => layerOperators(arch, 7, w, o);

  it("give the matched operators their format and leave the rest in the job's", () => {
    const used = new Set<string>();
    const ops = withOperatorFormats(
      build,
      fp4,
      [{ operators: ["attn.qkv_proj*"], compute: "bf16", fp8Scaling: "current" }],
      used,
    );
    const dtype = (name: string) => ops.find((op) => op.name === name)?.dtype;
    expect(dtype("attn.qkv_proj")).toBe("bf16");
    expect(dtype("attn.o_proj")).toBe("fp4");
    expect([...used]).toEqual(["attn.qkv_proj*"]);
    const fp8 = withOperatorFormats(
      build,
      fp4,
      [{ operators: ["attn.o_proj"], compute: "fp8", fp8Scaling: "blockwise" }],
      used,
    );
    expect(fp8.find((op) => op.name === "attn.o_proj")?.dtype).toBe("fp8");
  });

  it("refuse a glob that matches no operator of the model, at its field", () => {
    const e = supernodeErrorOf(() =>
      pipelineCompute(
        scenario(NVFP4, [
          {
            path: ["precision", "operatorFormats"],
            value: [{ operators: ["attn.qkv_proj*", "moe.latent*"], compute: "bf16" }],
          },
        ]),
      ),
    );
    expect(e.detail).toMatch(
      /^precision\.operatorFormats: moe\.latent\* matches no operator of nemotron-3-super-120b-a12b/,
    );
    expect(e.location.fieldPath).toEqual(["precision", "operatorFormats", 0, "operators", 1]);
  });

  it("refuse formats on a BF16 job and more BF16 blocks than the model has", () => {
    const bf16 = supernodeErrorOf(() =>
      scenario(NVFP4, [
        { path: ["precision", "compute"], value: "bf16" },
        { path: ["precision", "operatorFormats"], value: [] },
      ]),
    );
    expect(bf16.location.fieldPath).toEqual(["precision", "bf16Layers"]);
    const tooMany = supernodeErrorOf(() =>
      scenario(NVFP4, [{ path: ["precision", "bf16Layers"], value: { start: 50, end: 40 } }]),
    );
    expect(tooMany.detail).toMatch(/start 50 \+ end 40 blocks exceed the model's 88 decoder blocks/);
  });
});
