import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { offlineSearch } from "./offline-point.ts";
import { admissionIterations } from "./staggered-admission.ts";
import { instancePerformance } from "./step-instance-performance.ts";

describe("admissionIterations", () => {
  it("counts the steps in which at least one of B sequences of S-step lifetimes finishes", () => {
    // 96 sequences of 188 steps: 188 · (1 − e^(−96/188)) ≈ 75.2 admitting iterations.
    expect(admissionIterations(96, 188)).toBeCloseTo(188 * (1 - Math.exp(-96 / 188)), 9);
    expect(admissionIterations(96, 188)).toBeCloseTo(75.18, 2);
    // Few sequences of long lives: nearly one iteration per admission.
    expect(admissionIterations(16, 4000) / 16).toBeGreaterThan(0.99);
    // Many sequences of short lives: nearly every step admits, never more.
    expect(admissionIterations(4096, 100)).toBeLessThanOrEqual(100);
    expect(admissionIterations(4096, 100)).toBeGreaterThan(99.9);
  });

  it("refuses a batch or a lifetime that is not a positive count", () => {
    expect(() => admissionIterations(0, 100)).toThrow(/positive number of sequences, got 0/);
    expect(() => admissionIterations(8, 0.5)).toThrow(/at least one decode step per lifetime, got 0.5/);
    expect(() => admissionIterations(8, Number.NaN)).toThrow(/got NaN/);
  });
});

// DeepSeek-V3 on 8 H200 at TP8, prefill iterations alone (SGLang's default), 64 sequences.
// The KV cache keeps the activation-reserve split (usableFraction written), not SGLang's own pool.
const scenario = (prompt: string, output: string) =>
  parseScenario(
    `system: hgx-h200
engine: { name: sglang }
model: deepseek-v3
precision: { weights: fp8, activations: fp8, kvCache: fp8 }
deployment:
  colocated:
    chipsPerInstance: 8
    attention: { tp: 8 }
    denseFfn: { tp: 8 }
    moe: { ep: 8 }
offline: { promptTokens: ${prompt}, outputTokens: ${output}, maxSequencesPerInstance: 64 }
serving: { scheduler: { maxBatchTokens: 16384, mixWithDecode: false }, kvCache: { usableFraction: 1 } }`,
    "stagger.yaml",
  );
// Answers of 1 to 1,023 tokens: a mean of 512 that varies.
const varying = "{ kind: uniform, minTokens: 1, maxTokens: 1023 }";

describe("the offline point when answers vary", () => {
  it("admits short prompts in as many iterations as sequences finish apart, each alone", () => {
    const s = scenario("512", varying);
    const search = offlineSearch(s);
    const best = search.best;
    expect(best.sequencesPerInstance).toBe(64);
    // S = 511 + 1 steps per lifetime; A = 512 · (1 − e^(−64/512)) ≈ 60.2 iterations of 64 · 512 / A
    // tokens, against 64 · 512 / 16,384 = 2 full chunks for the same sequences admitted together.
    const a = admissionIterations(64, 512);
    const chunk = (64 * 512) / a;
    const pairs = search.lengths?.promptPairsPerToken ?? Number.NaN;
    const perf = instancePerformance(s, "colocated");
    const alone = perf.mixedStepS(
      { sequences: chunk / 512, newTokens: chunk, attendedTokenPairs: chunk * pairs },
      { sequences: 0, kvTokens: 0 },
    );
    expect(best.prefillS).toBeCloseTo(a * alone, 6);
    // Each of those iterations reads the weights for a few hundred tokens: more time than 2 chunks.
    const fixed = offlineSearch(scenario("512", "512")).best;
    expect(best.prefillS).toBeGreaterThan(2 * fixed.prefillS);
  });

  it("keeps the budget's full chunks when the prompts fill more iterations than finishes do", () => {
    // 64 prompts of 16,384 tokens: 64 full chunks, more than the ≈ 60.2 admitting iterations.
    const s = scenario("16384", varying);
    const search = offlineSearch(s);
    const pairs = search.lengths?.promptPairsPerToken ?? Number.NaN;
    const perf = instancePerformance(s, "colocated");
    const full = perf.mixedStepS(
      { sequences: 1, newTokens: 16384, attendedTokenPairs: 16384 * pairs },
      { sequences: 0, kvTokens: 0 },
    );
    expect(search.best.sequencesPerInstance).toBe(64);
    expect(search.best.prefillS).toBeCloseTo(64 * full, 6);
  });
});
