import { describe, expect, it } from "vitest";
import { layerOperators } from "../model/index.ts";
import { builtinModel } from "../model/zoo.ts";
import {
  megatronRopeOps,
  megatronRopeUnfused,
  unfusedRopeOperators,
  yarnConcentration,
} from "./megatron-rope.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { rankOperatorOptions } from "./stage-compute.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

describe("Megatron-Core's unfused RoPE under YaRN", () => {
  it("gpt-oss: YaRN factor 32 without mscale keys gives Megatron's concentration 0.1·ln 32 + 1", () => {
    const oss = builtinModel("gpt-oss-120b");
    expect(oss.attention).toMatchObject({ ropeYarn: { factor: 32 } });
    expect(yarnConcentration(oss)).toBeCloseTo(0.1 * Math.log(32) + 1, 12);
    expect(megatronRopeUnfused(oss)).toBe(true);
    expect(megatronRopeUnfused(builtinModel("qwen3-30b-a3b"))).toBe(false);
  });

  it("moves 6.5 reads and 6.5 writes of the query and key heads each way", () => {
    const [fwd] = unfusedRopeOperators(builtinModel("gpt-oss-120b"), 1000, 1, "forward");
    expect(fwd?.bytesRead.activations).toBe(6.5 * 2 * 1000 * (64 + 8) * 64);
    expect(fwd?.bytesWritten.activations).toBe(fwd?.bytesRead.activations);
  });

  it("replaces the fused rotary pass only for Megatron-Core scenarios", () => {
    const s = parseTrainingScenario(trainingScenarioText("gpt-oss-120b-gb300-64-bf16"), "x.yaml");
    const w = {
      phase: "train-forward" as const,
      sequences: 2,
      tokens: 16384,
      attendedTokenPairs: 16384 * 8192,
    };
    const ops = layerOperators(s.model, 1, w, rankOperatorOptions(s));
    const names = (xs: { name: string }[]) => xs.map((o) => o.name).filter((n) => n.includes("rotary"));
    expect(names(ops)).toEqual(["attn.rotary"]);
    expect(names(megatronRopeOps(ops, s, 16384))).toEqual(["attn.rotary_unfused"]);
    expect(names(megatronRopeOps(ops, { ...s, framework: "hai-llm" }, 16384))).toEqual(["attn.rotary"]);
  });

  it("runs the unfused path without YaRN when the scenario says RoPE is not fused (MindSpeed)", () => {
    const s = parseTrainingScenario(trainingScenarioText("llama31-8b-a2-8-mindspeed"), "x.yaml");
    expect(s.ropeFusion).toBe(false);
    expect(megatronRopeUnfused(s.model)).toBe(false);
    const w = {
      phase: "train-forward" as const,
      sequences: 2,
      tokens: 16384,
      attendedTokenPairs: 16384 * 8192,
    };
    const ops = layerOperators(s.model, 0, w, rankOperatorOptions(s));
    const names = (xs: { name: string }[]) => xs.map((o) => o.name).filter((n) => n.includes("rotary"));
    expect(names(megatronRopeOps(ops, s, 16384))).toEqual(["attn.rotary_unfused"]);
    expect(names(megatronRopeOps(ops, { ...s, ropeFusion: true }, 16384))).toEqual(["attn.rotary"]);
  });
});
