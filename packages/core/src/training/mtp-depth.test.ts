import { describe, expect, it } from "vitest";
import { builtinDataText } from "../catalog/index.ts";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { pipelineCompute } from "./stage-compute.ts";
import { trainEstimate } from "./train-estimate.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const SUPER = "nemotron-3-super-gb300-64-fp8mx";
const scenario = (name: string, overrides: { path: string[]; value: unknown }[] = []) =>
  parseTrainingScenario(trainingScenarioText(name), `${name}.yaml`, undefined, { overrides });
const depth = (value: number | null) => scenario(SUPER, [{ path: ["mtpDepth"], value }]);
const lastStageBusyS = (s: ReturnType<typeof scenario>) => {
  const st = pipelineCompute(s).stages.at(-1);
  return st === undefined ? 0 : st.forwardS + st.backwardDataS + st.backwardWeightS + st.recomputeS;
};

describe("Megatron's repeated MTP layer (mtpDepth)", () => {
  it("is how the Nemotron 3 Super recipe runs its one MTP block: twice per micro-batch", () => {
    expect(scenario(SUPER).mtpRuns).toBe(2);
    expect(depth(null).mtpRuns).toBe(1);
  });

  it("repeats the block's compute, head and loss once per depth and adds no parameters", () => {
    const one = lastStageBusyS(depth(null));
    const two = lastStageBusyS(depth(2));
    const three = lastStageBusyS(depth(3));
    expect(two).toBeGreaterThan(one);
    // Each extra depth adds the same MTP block time.
    expect(three - two).toBeCloseTo(two - one, 9);
    const params = (s: ReturnType<typeof scenario>) => trainEstimate(s).memory.worst.params;
    expect(params(depth(3))).toBe(params(depth(null)));
  });

  it("refuses a model without exactly one MTP module, at the field", () => {
    const text = `${trainingScenarioText("qwen3-30b-gb200-8-fp8mx")}mtpDepth: 2\n`;
    const e = supernodeErrorOf(() => parseTrainingScenario(text, "q30.yaml"));
    expect(e.detail).toMatch(/^mtpDepth: qwen3-30b-a3b has no MTP module to repeat/);
    expect(e.location.fieldPath).toEqual(["mtpDepth"]);
    expect(e.message).toMatch(/^q30\.yaml:\d+:\d+, field mtpDepth: /);
  });

  it("refuses a model with several MTP modules, naming how many", () => {
    const v3 = JSON.parse(builtinDataText("models/deepseek-v3.json")) as Record<string, unknown>;
    const twoModules = { ...v3, num_nextn_predict_layers: 2 };
    const e = supernodeErrorOf(() =>
      scenario("deepseek-v3-gb200-256-fp8mx", [
        { path: ["model"], value: { hfConfig: twoModules } },
        { path: ["mtpDepth"], value: 2 },
      ]),
    );
    expect(e.detail).toMatch(
      /^mtpDepth: .* has 2 MTP modules; a repeated MTP layer .* needs a model with exactly one/,
    );
    expect(e.location.fieldPath).toEqual(["mtpDepth"]);
  });

  it("applies to any one-MTP-module model under Megatron-Core, not only Nemotron 3", () => {
    const v3 = (value: number | null) =>
      scenario("deepseek-v3-gb200-256-fp8mx", [{ path: ["mtpDepth"], value }]);
    expect(v3(2).mtpRuns).toBe(2);
    expect(lastStageBusyS(v3(2))).toBeGreaterThan(lastStageBusyS(v3(null)));
  });

  it("is a Megatron-Core option: refused with another framework", () => {
    expect(() => scenario("deepseek-v3-h800-2048", [{ path: ["mtpDepth"], value: 2 }])).toThrow(
      /mtpDepth is a Megatron-Core option/,
    );
  });

  it("takes whole depths from 1 to 16", () => {
    expect(() => depth(0)).toThrow(/mtpDepth/);
    expect(() => depth(1.5)).toThrow(/mtpDepth/);
  });
});
