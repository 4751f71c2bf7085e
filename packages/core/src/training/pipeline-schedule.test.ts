import { describe, expect, it } from "vitest";
import { pipelineTiming } from "./pipeline-schedule.ts";

describe("pipeline schedules", () => {
  it("1F1B: bubble (p − 1)(F + B + W)", () => {
    const t = pipelineTiming("1f1b", 4, 1, 8, 1, 2, 0);
    expect(t.busyS).toBe(24);
    expect(t.bubbleS).toBe(9);
  });
  it("interleaving divides the bubble by the virtual stages", () => {
    expect(pipelineTiming("interleaved", 8, 4, 16, 1, 1, 1).bubbleS).toBeCloseTo((7 * 3) / 4, 12);
  });
  it("zero-bubble and DualPipe follow DeepSeek-V3 Table 2 and are never negative", () => {
    expect(pipelineTiming("zero-bubble", 8, 1, 16, 1, 1, 0.5).bubbleS).toBeCloseTo(7 * (1 + 1 - 1), 12);
    expect(pipelineTiming("dualpipe", 16, 1, 32, 1, 1, 0.5).bubbleS).toBeCloseTo(7 * (2 + 1 - 1.5), 12);
    expect(pipelineTiming("dualpipe", 2, 1, 4, 1, 1, 1).bubbleS).toBe(0);
    for (const s of ["gpipe", "1f1b", "interleaved", "zero-bubble", "dualpipe"] as const)
      expect(pipelineTiming(s, 8, 2, 16, 1, 2, 1).bubbleS).toBeGreaterThanOrEqual(0);
  });
  it("fewer bubbles for the newer schedules at the same F, B, W", () => {
    const b = (s: "1f1b" | "zero-bubble" | "dualpipe") => pipelineTiming(s, 16, 1, 64, 1, 1, 0.5).bubbleS;
    expect(b("zero-bubble")).toBeLessThan(b("1f1b"));
    expect(b("dualpipe")).toBeLessThan(b("zero-bubble"));
  });
});
