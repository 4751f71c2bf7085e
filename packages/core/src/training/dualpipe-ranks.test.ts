import { describe, expect, it } from "vitest";
import { dualPipeRanks } from "./dualpipe-ranks.ts";
import { ZERO_TIMES } from "./operator-times.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { pipelineCompute, type StageCompute } from "./stage-compute.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const stage = (i: number, forwardS: number, layers: number): StageCompute => ({
  ...ZERO_TIMES,
  forwardS,
  backwardDataS: 2 * forwardS,
  stage: i,
  layers,
  moeLayers: layers,
  tpBlocks: { mixer: layers, ffn: 0, sharedExperts: 0, gatheredExperts: 0 },
});

describe("dualPipeRanks (rank r runs stage r and stage p − 1 − r, half the micro-batches each)", () => {
  it("pairs the ends and averages the two stages per micro-batch", () => {
    const ranks = dualPipeRanks([stage(0, 1, 3), stage(1, 2, 4), stage(2, 2, 4), stage(3, 5, 3)]);
    expect(ranks.map((r) => r.stage)).toEqual([0, 1]);
    expect(ranks[0]?.forwardS).toBe(3);
    expect(ranks[0]?.backwardDataS).toBe(6);
    expect(ranks[0]?.layers).toBe(3);
    expect(ranks[1]?.forwardS).toBe(2);
  });

  it("DeepSeek-V3 on 2,048 H800: the slowest rank holds the first and the last stage, faster than the last stage alone", () => {
    const text = trainingScenarioText("deepseek-v3-h800-2048");
    const c = pipelineCompute(parseTrainingScenario(text, "dsv3.yaml"));
    const last = c.stages[c.stages.length - 1] as StageCompute;
    const first = c.stages[0] as StageCompute;
    expect(c.bottleneck.stage).toBe(0);
    expect(c.bottleneck.forwardS).toBeCloseTo((first.forwardS + last.forwardS) / 2, 12);
    expect(c.bottleneck.forwardS).toBeLessThan(last.forwardS);
  });
});
