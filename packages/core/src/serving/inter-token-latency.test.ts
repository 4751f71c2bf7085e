import { describe, expect, it } from "vitest";
import type { EngineEvent } from "./engine-event.ts";
import { InterTokenLatency } from "./inter-token-latency.ts";

type Iteration = Extract<EngineEvent, { kind: "iteration" }>;
const iteration = (phase: Iteration["phase"], durationS: number, decodes: number, steps = 1): Iteration => ({
  kind: "iteration",
  instance: 0,
  startS: 0,
  durationS,
  phase,
  sequences: decodes,
  newTokens: phase === "decode" ? 0 : 100,
  steps,
  decodes,
});

describe("InterTokenLatency", () => {
  it("gives every decoding sequence one interval per step, at the window's mean step", () => {
    const itl = new InterTokenLatency();
    itl.on(iteration("decode", 0.1, 4, 10)); // 40 intervals of 10 ms
    itl.on(iteration("mixed", 0.03, 4)); // 4 intervals of 30 ms
    const s = itl.stats();
    expect(s.count).toBe(44);
    expect(s.p50).toBeCloseTo(0.01, 4);
    expect(s.max).toBeCloseTo(0.03, 9);
    expect(s.mean).toBeCloseTo((40 * 0.01 + 4 * 0.03) / 44, 12);
  });

  it("carries a prefill-only iteration into the waiting sequences' next interval", () => {
    const itl = new InterTokenLatency();
    itl.on(iteration("prefill", 0.05, 2)); // 2 sequences wait 50 ms
    itl.on(iteration("decode", 0.02, 2, 2)); // first step 10 + 50 ms, second 10 ms
    const s = itl.stats();
    expect(s.count).toBe(4);
    expect(s.max).toBeCloseTo(0.06, 9);
    expect(s.mean).toBeCloseTo((2 * 0.06 + 2 * 0.01) / 4, 12);
  });

  it("carries the wait only into the sequences that were decoding, not those the prefill admitted", () => {
    const itl = new InterTokenLatency();
    itl.on(iteration("prefill", 0.05, 2)); // 2 decoding sequences wait 50 ms; the prefill admits 3 more
    itl.on(iteration("decode", 0.01, 5)); // 2 intervals of 10 + 50 ms, 3 of 10 ms
    const s = itl.stats();
    expect(s.count).toBe(5);
    expect(s.mean).toBeCloseTo((2 * 0.06 + 3 * 0.01) / 5, 12);
  });

  it("counts nothing for a prefill instance (no decoding sequences)", () => {
    const itl = new InterTokenLatency();
    itl.on(iteration("prefill", 0.05, 0));
    expect(itl.stats().count).toBe(0);
  });
});
