import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { parseOverride } from "../spec/index.ts";
import { busiestGroupSlots, unevenPrefill } from "./busiest-group.ts";
import { offlineSearch } from "./offline-point.ts";

/** Llama 3.1 70B with attention DP8 (the dense FFN TP8), a finite run of `requests`. */
const dp8 = (offline: string, overrides: readonly string[] = []) =>
  parseScenario(
    `system: hgx-h200
model: llama-3.1-70b
precision: { weights: fp8, activations: fp8, kvCache: fp8 }
deployment:
  colocated: { chipsPerInstance: 8, attention: { tp: 1 }, denseFfn: { tp: 8 } }
offline: { promptTokens: 1024, outputTokens: 256, ${offline} }
serving: { scheduler: { maxBatchTokens: 8192, mixWithDecode: false } }
`,
    "dp8.yaml",
    undefined,
    { overrides: overrides.map(parseOverride) },
  );

const run = (requests: number, cap = 512) =>
  offlineSearch(dp8(`maxSequencesPerInstance: ${cap}, requests: ${requests}`)).best;

describe("a batch that does not divide over the attention-DP groups", () => {
  it("100 sequences on 8 groups: 4 groups of 13 and 4 of 12, timed as 104", () => {
    const { slots, fill } = busiestGroupSlots(100, 8);
    expect(slots).toBe(104);
    const busiest = slots / 8;
    const atBusiest = 100 - 8 * (busiest - 1); // groups holding one more than the others
    expect([busiest, atBusiest]).toEqual([13, 4]);
    expect(atBusiest * busiest + (8 - atBusiest) * (busiest - 1)).toBe(100);
    expect(fill).toBeCloseTo(100 / 104, 12);
    // Fewer sequences than groups: one on each busy group; an even batch and no DP are unchanged.
    expect(busiestGroupSlots(4, 8)).toEqual({ slots: 8, fill: 0.5 });
    expect(busiestGroupSlots(96, 8)).toEqual({ slots: 96, fill: 1 });
    expect(busiestGroupSlots(7, 1)).toEqual({ slots: 7, fill: 1 });
    expect(() => busiestGroupSlots(0, 8)).toThrow(/needs a positive number of sequences, got 0/);
    expect(() => busiestGroupSlots(8, 0)).toThrow(/whole number of attention-DP groups ≥ 1, got 0/);
  });

  it("a prefill on partly filled groups: the experts see the real tokens, the busiest rank its whole chunk", () => {
    const chunk = { sequences: 8, newTokens: 8192, attendedTokenPairs: 8192 * 512 };
    expect(unevenPrefill(chunk, 1, 8)).toEqual({ instance: chunk });
    const { instance, busiestRank } = unevenPrefill(chunk, 0.5, 8);
    expect(instance.newTokens).toBe(4096);
    expect(instance.attendedTokenPairs).toBe(4096 * 512);
    expect(busiestRank?.newTokens).toBe(1024);
    expect(busiestRank?.sequences).toBe(1);
  });

  it("a finite run of 100 requests on DP8 runs them all at once, at the busiest group's step", () => {
    const hundred = run(100);
    expect(hundred.sequencesPerInstance).toBe(100);
    expect(hundred.batchPerChip).toBeCloseTo(12.5, 12);
    expect(hundred.run?.tailSequences).toBe(0);
    // One generation, its decode steps timed at 104 sequences (13 on every group).
    expect(hundred.run?.durationS).toBeCloseTo(hundred.prefillS + hundred.decodeS, 9);
    const full = run(104);
    expect(hundred.decodeStepS).toBeCloseTo(full.decodeStepS, 12);
    expect(hundred.decodeS).toBeCloseTo(full.decodeS, 12);
    // Its prefill carries 100 prompts' tokens through the experts in 104's iterations: no longer.
    expect(hundred.prefillS).toBeLessThanOrEqual(full.prefillS);
    expect(hundred.prefillS).toBeGreaterThan(run(96).prefillS * 0.9);
    expect(hundred.outputTokensPerSPerInstance).toBeCloseTo((100 * 256) / (hundred.run?.durationS ?? 1), 9);
    // Far faster than 96 at once and a tail of 4 decoding 256 more steps alone.
    const ninetySix = run(96);
    expect(hundred.run?.durationS ?? 0).toBeLessThan((ninetySix.run?.durationS ?? 0) * 1.1);
  });

  it("fewer requests than groups run one per busy group, each step timed as one on every group", () => {
    const four = run(4);
    const eight = run(8);
    expect(four.sequencesPerInstance).toBe(4);
    expect(four.batchPerChip).toBe(0.5);
    expect(four.decodeStepS).toBeCloseTo(eight.decodeStepS, 12);
    expect(four.run?.durationS ?? 0).toBeLessThanOrEqual(eight.run?.durationS ?? 0);
    expect(four.outputTokensPerSPerInstance).toBeLessThan(eight.outputTokensPerSPerInstance);
  });

  it("the tail of a longer run is placed the same way: 1,100 on 512 slots leaves 76, timed as 80", () => {
    const ragged = run(1100);
    expect(ragged.sequencesPerInstance).toBe(512);
    expect(ragged.run?.tailSequences).toBe(76);
    const tail = run(76);
    expect(tail.decodeStepS).toBeCloseTo(run(80).decodeStepS, 12);
    expect(ragged.run?.durationS).toBeCloseTo(
      2 * (ragged.prefillS + ragged.decodeS) + (tail.run?.durationS ?? 0),
      9,
    );
  });

  it("refuses a run of no requests, at the file or the --set", () => {
    expect(() => dp8("requests: 0")).toThrow(
      /^dp8\.yaml:6:\d+, field offline\.requests: Too small: expected number to be >0$/,
    );
    expect(() => dp8("requests: 8", ["offline.requests=0"])).toThrow(
      /^--set offline\.requests=0: Too small: expected number to be >0$/,
    );
  });
});
