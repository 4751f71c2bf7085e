import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { estimate } from "./step-estimate.ts";

const llama = (group: string, system = "hgx-h200", extra = "") =>
  parseScenario(
    `system: ${system}
model: llama-3.1-70b
precision: { weights: fp8, activations: fp8, kvCache: fp8 }
deployment:
  decode:
${group
  .trim()
  .split("\n")
  .map((l) => `    ${l}`)
  .join("\n")}
    batchPerChip: 32
    kvLength: 2048
${extra}`,
    "pp.yaml",
  );

describe("pipeline parallelism in the step model", () => {
  it("one stage is the plain step; two stages add the transfers and hold half the layers per rank", () => {
    const plain = estimate(llama("chipsPerInstance: 4\nattention: { tp: 4 }\ndenseFfn: { tp: 4 }"));
    const one = estimate(llama("chipsPerInstance: 4\npp: 1\nattention: { tp: 4 }\ndenseFfn: { tp: 4 }"));
    expect(one.decode?.step.stepS).toBeCloseTo(plain.decode?.step.stepS ?? 0, 9);
    const two = estimate(llama("chipsPerInstance: 8\npp: 2\nattention: { tp: 4 }\ndenseFfn: { tp: 4 }"));
    const p = two.decode?.step.pipeline;
    expect(p?.stages).toBe(2);
    expect(p?.microbatches).toBe(2);
    expect(p?.layersPerStage).toEqual([40, 40]);
    expect(p?.transfers[0]?.over).toMatch(/NVLink/);
    // The cycle is the longer of the microbatch loop and M × the slowest stage; the bubble is what
    // the stages do not fill.
    expect(p?.cycleS).toBeGreaterThanOrEqual(p?.loopS ?? Number.POSITIVE_INFINITY);
    expect(p?.cycleS).toBeGreaterThanOrEqual((p?.occupancyS ?? 0) - 1e-15);
    expect(p?.bubbleS).toBeGreaterThan(0);
    expect(two.decode?.tpotS).toBe(p?.cycleS);
    // Same batch per chip on twice the chips: each stage runs half the layers on twice the sequences.
    const w1 = plain.decode?.memory.weightsBytes ?? 0;
    const w2 = two.decode?.memory.weightsBytes ?? 0;
    expect(w2 / w1).toBeGreaterThan(0.45);
    expect(w2 / w1).toBeLessThan(0.6);
  });

  it("an uneven split idles the shorter stage (a bigger bubble)", () => {
    const even = estimate(llama("chipsPerInstance: 8\npp: 2\nattention: { tp: 4 }\ndenseFfn: { tp: 4 }"));
    const uneven = estimate(
      llama(
        "chipsPerInstance: 8\npp: { stages: 2, layers: [48, 32] }\nattention: { tp: 4 }\ndenseFfn: { tp: 4 }",
      ),
    );
    const e = even.decode?.step.pipeline;
    const u = uneven.decode?.step.pipeline;
    expect(u?.stageTimesS[0]).toBeGreaterThan(u?.stageTimesS[1] ?? 0);
    expect(u?.bubbleFraction).toBeGreaterThan((e?.bubbleFraction ?? 1) + 0.1);
    expect(u?.cycleS).toBeGreaterThan(e?.cycleS ?? 0);
    // Default split of 80 layers over 3 stages: the extra layers on the first stages.
    const three = estimate(
      llama("chipsPerInstance: 3\npp: 3\nattention: { tp: 1 }\ndenseFfn: { tp: 1 }", "hgx-h200", ""),
    );
    expect(three.decode?.step.pipeline?.layersPerStage).toEqual([27, 27, 26]);
  });

  it("stages on two servers send over the scale-out fabric, slower than NVLink", () => {
    const intra = estimate(llama("chipsPerInstance: 8\npp: 2\nattention: { tp: 4 }\ndenseFfn: { tp: 4 }"));
    const inter = estimate(llama("chipsPerInstance: 16\npp: 2\nattention: { tp: 8 }\ndenseFfn: { tp: 8 }"));
    const a = intra.decode?.step.pipeline?.transfers[0];
    const b = inter.decode?.step.pipeline?.transfers[0];
    expect(b?.over).toMatch(/InfiniBand|ConnectX|RoCE|Ethernet/i);
    // Per byte: the inter-node send moves fewer bytes per rank (TP8) but takes longer.
    expect((b?.sendS ?? 0) / (b?.bytesPerRank ?? 1)).toBeGreaterThan(
      (a?.sendS ?? 0) / (a?.bytesPerRank ?? 1),
    );
  });

  it("prefill streams microbatches: throughput from M × the slowest stage, TTFT from the fill", () => {
    const s = parseScenario(
      `system: hgx-h200
model: llama-3.1-70b
precision: { weights: fp8 }
deployment:
  prefill: { chipsPerInstance: 8, pp: 2, attention: { tp: 4 }, denseFfn: { tp: 4 }, tokensPerChip: 2048, promptLength: 2048 }
`,
      "prefill.yaml",
    );
    const e = estimate(s);
    const p = e.prefill?.step.pipeline;
    expect(e.prefill?.step.stepS).toBeCloseTo(p?.occupancyS ?? 0, 12);
    expect(e.prefill?.ttftS).toBeGreaterThan(p?.occupancyS ?? 0);
    expect(e.prefill?.ttftS).toBeCloseTo(p?.latencyS ?? 0, 12);
  });

  it("refuses splits that do not fit, at the field", () => {
    expect(() => llama("chipsPerInstance: 8\npp: 3\nattention: { tp: 1 }")).toThrow(
      /pp\.yaml:\d+:\d+.*3 pipeline stages do not divide the instance's 8 chips/,
    );
    expect(() =>
      llama("chipsPerInstance: 8\npp: { stages: 2, layers: [40, 30] }\nattention: { tp: 4 }"),
    ).toThrow(/the stages hold 70 layers, the model has 80: 10 missing/);
  });
});
