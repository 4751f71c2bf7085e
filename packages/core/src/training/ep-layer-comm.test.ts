import { describe, expect, it } from "vitest";
import { parseOverride } from "../spec/index.ts";
import { epLayerComm } from "./ep-layer-comm.ts";
import { groupCollectiveS } from "./group-fabric.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const scenario = (name: string, overrides: string[] = []) =>
  parseTrainingScenario(trainingScenarioText(name), `${name}.yaml`, undefined, {
    overrides: overrides.map(parseOverride),
  });

describe("epLayerComm (one MoE layer's EP transfers per micro-batch)", () => {
  // Qwen3-30B-A3B on 16 H800, EP 8 inside one server: 8,192 tokens × top-8 copies of hidden 2,048.
  const pai = scenario("qwen3-30b-h800-16-pp2-ep8");
  const copies = 8192 * 8;
  const a2a = (bytes: number) => groupCollectiveS(pai.fabricTarget, "all-to-all", bytes, 8, 1);

  it("Megatron's all-to-all dispatcher: an NCCL all-to-all of every routed copy, plus the probabilities", () => {
    const c = epLayerComm(pai, 8192);
    expect(pai.tokenDispatcher).toBe("alltoall");
    expect(c.dispatchS).toBe(a2a(copies * 2048 * 2));
    expect(c.combineS).toBe(a2a(copies * 2048 * 2));
    expect(c.probsS).toBe(a2a(copies * 4));
    expect(c.probsS).toBeGreaterThan(0);
  });

  it("HybridEP sends one copy per destination rank (DeepEP-normal model), fewer bytes than every copy", () => {
    const flex = scenario("qwen3-30b-h800-16-pp2-ep8", ["tokenDispatcher=hybridep"]);
    const c = epLayerComm(flex, 8192);
    expect(c.probsS).toBe(0);
    // 128 experts in 8 groups of 16, top-8: ≈ 5.3 distinct ranks per token instead of 8 copies.
    expect(c.dispatchS).toBeLessThan(epLayerComm(pai, 8192).dispatchS);
  });

  it("DeepSeek's own framework keeps its deduplicating kernels", () => {
    const dsv3 = scenario("deepseek-v3-h800-2048");
    expect(dsv3.framework).toBe("hai-llm");
    const c = epLayerComm(dsv3, 4096);
    expect(c.probsS).toBe(0);
    const all = groupCollectiveS(dsv3.fabricTarget, "all-to-all", 4096 * 8 * 7168, 64, 1);
    expect(c.dispatchS).toBeLessThan(all);
  });
});
