import { describe, expect, it } from "vitest";
import { parseOverride } from "../spec/index.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { pipelineCompute } from "./stage-compute.ts";
import { stageParams } from "./stage-params.ts";
import { stepSync } from "./step-sync.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const ppSync = (name: string, overrides: string[] = []) => {
  const s = parseTrainingScenario(trainingScenarioText(name), `${name}.yaml`, undefined, {
    overrides: overrides.map(parseOverride),
  });
  const c = pipelineCompute(s);
  const params = stageParams(s)[c.bottleneck.stage];
  if (params === undefined) throw new Error("no stage");
  return { s, pp: stepSync(s, params, c.bottleneck).pp };
};

describe("stepSync pipeline send/receive", () => {
  it("Megatron-Core's non-interleaved 1F1B exposes both hops of every micro-batch", () => {
    // Qwen3-30B on 16 H800, PP 2, 16 micro-batches; DeepSeek's framework gives the hop (2 per micro-batch).
    const { s, pp } = ppSync("qwen3-30b-h800-16-pp2-ep8");
    const other = ppSync("qwen3-30b-h800-16-pp2-ep8", ["framework=hai-llm", "expertGemm=grouped"]).pp;
    const hop = other.totalS / (2 * s.layout.microBatches);
    expect(s.layout.schedule).toBe("1f1b");
    expect(other.exposedS).toBeCloseTo(2 * (2 - 1) * hop, 12);
    expect(pp.exposedS).toBeCloseTo(2 * (16 + 2 - 1) * hop, 12);
    expect(pp.totalS).toBe(pp.exposedS);
  });

  it("interleaved (overlap_p2p_comm) exposes only the hops of fill and drain", () => {
    const { s, pp } = ppSync("qwen3-30b-h800-16-pp2-ep8", [
      "parallelism.schedule=interleaved",
      "parallelism.virtualStages=2",
    ]);
    const hop = pp.totalS / (2 * s.layout.microBatches * 2);
    expect(pp.exposedS).toBeCloseTo(2 * (2 - 1) * hop, 12);
  });
});
