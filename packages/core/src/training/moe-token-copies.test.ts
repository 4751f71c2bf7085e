import { describe, expect, it } from "vitest";
import type { Operator } from "../model/index.ts";
import { builtinModel } from "../model/zoo.ts";
import { moeTokenCopyOperators, tokenCopyBytes } from "./moe-token-copies.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const qwen = builtinModel("qwen3-30b-a3b");
const gptOss = builtinModel("gpt-oss-120b");
const bytes = (ops: Operator[]) =>
  ops.reduce((s, op) => s + op.bytesRead.activations + op.bytesWritten.activations, 0);

describe("moeTokenCopyOperators (Megatron-Core's token copies around the EP transfers)", () => {
  const shape = { tokens: 4096, routedRows: 4096 * 8, localExperts: 16 };
  const routed = 4096 * 8 * 2048 * 2;
  const tokens = 4096 * 2048 * 2;

  it("alltoall: global permute plus the local sort and unsort, the same bytes backward", () => {
    const fwd = moeTokenCopyOperators(qwen, "alltoall", shape, "forward");
    const bwd = moeTokenCopyOperators(qwen, "alltoall", shape, "backward");
    expect(fwd.map((o) => o.name)).toEqual(["moe.permute", "moe.sort_chunks", "moe.unsort_chunks"]);
    expect(bytes(fwd)).toBe(tokens + routed + 4 * routed);
    expect(bytes(bwd)).toBe(bytes(fwd));
  });

  it("alltoall with one local expert sorts nothing", () => {
    const ops = moeTokenCopyOperators(qwen, "alltoall", { ...shape, localExperts: 1 }, "forward");
    expect(ops.map((o) => o.name)).toEqual(["moe.permute"]);
  });

  it("HybridEP / DeepEP: one buffer copy per dispatch and per combine", () => {
    for (const d of ["hybridep", "deepep"] as const) {
      const fwd = moeTokenCopyOperators(qwen, d, shape, "forward");
      expect(bytes(fwd)).toBe(4 * routed);
      expect(bytes(moeTokenCopyOperators(qwen, d, shape, "backward"))).toBe(4 * routed);
    }
  });

  it("gpt-oss adds the unfused expert output bias: 12 B forward, 16 B backward per routed element", () => {
    const s = { tokens: 8192, routedRows: 8192 * 4, localExperts: 2 };
    const elements = s.routedRows * gptOss.hiddenSize;
    const bias = (dir: "forward" | "backward") =>
      moeTokenCopyOperators(gptOss, "alltoall", s, dir).find((o) =>
        o.name.startsWith("moe.experts.output_bias"),
      );
    expect(bias("forward") && bytes([bias("forward") as Operator])).toBe(12 * elements);
    expect(bias("backward") && bytes([bias("backward") as Operator])).toBe(16 * elements);
    expect(
      moeTokenCopyOperators(qwen, "alltoall", shape, "forward").some((o) => o.name.includes("bias")),
    ).toBe(false);
  });
  it("FP8 pads each expert's rows by copy on the all-to-all and DeepEP paths, not under HybridEP", () => {
    const padded = (d: "alltoall" | "hybridep" | "deepep") =>
      bytes(moeTokenCopyOperators(qwen, d, shape, "forward", true)) -
      bytes(moeTokenCopyOperators(qwen, d, shape, "forward", false));
    expect(padded("alltoall")).toBe(4 * routed);
    expect(padded("deepep")).toBe(4 * routed);
    expect(padded("hybridep")).toBe(0);
  });
  it("counts the scenario's dispatch format: 1 B per element dispatched in FP8, the combine side in its own", () => {
    const scenario = (dispatch?: string) =>
      parseTrainingScenario(trainingScenarioText("qwen3-30b-gb200-8-fp8mx"), "x.yaml", undefined, {
        overrides: dispatch === undefined ? [] : [{ path: ["precision", "dispatch"], value: dispatch }],
      });
    expect(tokenCopyBytes(scenario())).toEqual({ dispatch: 2, combine: 2 });
    const fp8 = tokenCopyBytes(scenario("fp8"));
    expect(fp8).toEqual({ dispatch: 1, combine: 2 });
    const fwd = moeTokenCopyOperators(qwen, "alltoall", shape, "forward", false, fp8);
    const rw = (name: string) => bytes(fwd.filter((o) => o.name === name));
    expect(rw("moe.permute")).toBe((tokens + routed) / 2);
    expect(rw("moe.sort_chunks")).toBe(routed);
    expect(rw("moe.unsort_chunks")).toBe(2 * routed);
    const flex = moeTokenCopyOperators(qwen, "deepep", shape, "forward", false, fp8);
    expect(bytes(flex)).toBe(routed + 2 * routed);
  });
  it("is a Megatron-Core option: another framework's scenario refuses a dispatcher, naming the field", () => {
    const hai = (dispatcher: string) =>
      parseTrainingScenario(trainingScenarioText("deepseek-v3-h800-2048"), "x.yaml", undefined, {
        overrides: [{ path: ["tokenDispatcher"], value: dispatcher }],
      });
    expect(hai("alltoall").framework).toBe("hai-llm");
    expect(() => hai("hybridep")).toThrow(/tokenDispatcher is a Megatron-Core option/);
  });
});
