import { describe, expect, it } from "vitest";
import { layerKinds } from "../model/layer-kinds.ts";
import { builtinModel } from "../model/zoo.ts";
import { SupernodeError } from "../spec/errors.ts";
import { rooflineReport } from "./roofline.ts";
import { fixture910c, fixtureChipWithoutProfile, fixtureH800 } from "./test-support/fixture-chips.ts";

const deepseek = builtinModel("deepseek-v3");
const decode = { phase: "decode", batch: 96, kvLength: 4096 } as const;

describe("rooflineReport", () => {
  it("times one dense layer, one MoE layer and the head, and sums the forward pass by layer count", () => {
    const r = rooflineReport(deepseek, fixture910c, { workload: decode, dtype: "int8", ep: 256 });
    expect(r.sections.map((s) => [s.kind, s.count])).toEqual([
      ["dense", 3],
      ["moe", 58],
      ["head", 1],
    ]);
    expect(layerKinds(deepseek).length).toBe(61);
    const sum = r.sections.reduce(
      (acc, s) => acc + s.count * s.rows.reduce((a, row) => a + row.timing.timeS, 0),
      0,
    );
    expect(r.forwardTimeS).toBeCloseTo(sum, 12);
    expect(r.tokens).toBe(96);
    // The 910C profile covers every parameter this model uses: nothing defaulted.
    expect(r.defaultedParameters).toEqual([]);
    const experts = r.sections[1]?.rows.find((row) => row.name === "moe.experts.gate_up_proj");
    expect(experts?.class).toBe("grouped-gemm");
    expect(experts?.timing.bound).toBe("compute"); // 1 expert, 768 tokens: large M
  });

  it("defaults a format the chip lacks to bf16 and says so; rejects it when asked explicitly", () => {
    const r = rooflineReport(deepseek, fixture910c, { workload: decode });
    expect(r.dtype).toBe("bf16");
    expect(r.notes.join(" ")).toMatch(/no fp8 engine.*bf16/);
    expect(() => rooflineReport(deepseek, fixture910c, { workload: decode, dtype: "fp8" })).toThrow(
      SupernodeError,
    );
    expect(() => rooflineReport(deepseek, fixture910c, { workload: decode, dtype: "fp8" })).toThrow(
      /ascend-910c.*no fp8.*supports bf16, fp16, int8.*--map-dtype fp8=int8/,
    );
  });

  it("runs fp8 as int8 under an explicit mapping, marking the mapped operators", () => {
    const r = rooflineReport(deepseek, fixture910c, {
      workload: decode,
      dtype: "fp8",
      dtypeMapping: { fp8: "int8" },
    });
    const mapped = r.sections.flatMap((s) => s.rows).filter((row) => row.timing.mappedFrom === "fp8");
    expect(mapped.length).toBeGreaterThan(0);
    expect(mapped.every((row) => row.timing.dtype === "int8")).toBe(true);
  });

  it("flags every operator on a chip without microbenchmarks", () => {
    const r = rooflineReport(deepseek, fixtureChipWithoutProfile, { workload: decode, ep: 8 });
    expect(r.profile.basis).toBe("default");
    for (const row of r.sections.flatMap((s) => s.rows)) expect(row.timing.defaulted, row.name).toBe(true);
  });

  it("builds prefill workloads: more context means more attention time", () => {
    const short = rooflineReport(deepseek, fixtureH800, {
      workload: { phase: "prefill", batch: 1, tokens: 4096, context: 0 },
    });
    const long = rooflineReport(deepseek, fixtureH800, {
      workload: { phase: "prefill", batch: 1, tokens: 4096, context: 16384 },
    });
    const core = (r: typeof short) =>
      r.sections[0]?.rows
        .filter((row) => row.class === "attention-prefill")
        .reduce((a, row) => a + row.timing.timeS, 0) ?? 0;
    expect(core(short)).toBeGreaterThan(0);
    expect(core(long)).toBeGreaterThan(2 * core(short));
  });

  it("rejects an EP degree that does not divide the experts", () => {
    expect(() => rooflineReport(deepseek, fixture910c, { workload: decode, dtype: "int8", ep: 320 })).toThrow(
      /--ep 320 does not divide the 256 routed experts/,
    );
  });
});
