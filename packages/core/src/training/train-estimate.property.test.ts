import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { breakdownSumS } from "./test-support/breakdown-sum.ts";
import { trainEstimate } from "./train-estimate.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const SCHEDULES = ["gpipe", "1f1b", "interleaved", "zero-bubble", "dualpipe"] as const;

describe("train estimate invariants (random layouts of a small model)", () => {
  it("the breakdown adds up to the step, MFU stays in (0, 1), memory is positive", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 4, 8),
        fc.constantFrom(1, 2, 4),
        fc.constantFrom(1, 2),
        fc.constantFrom(...SCHEDULES),
        fc.constantFrom(0, 1, 2, 3),
        fc.constantFrom("none", "selective", "full"),
        fc.constantFrom("hgx-h100", "gb200-nvl72", "cloudmatrix384"),
        (tp, pp, cp, drawn, zero, recompute, system) => {
          // DualPipe needs an even number of stages.
          const schedule = drawn === "dualpipe" && pp % 2 === 1 ? "1f1b" : drawn;
          const virtual = schedule === "interleaved" ? 2 : 1;
          const chips = 64;
          const ranks = system === "cloudmatrix384" ? 128 : 64;
          const dp = ranks / (tp * pp * cp);
          const s = parseTrainingScenario(
            `kind: training\nsystem: ${system}\nchips: ${chips}\nmodel: llama-3.1-8b\n` +
              `parallelism: { tp: ${tp}, sequenceParallel: ${tp > 1}, pp: ${pp}, schedule: ${schedule}, virtualStages: ${virtual}, cp: ${cp}, zero: ${zero} }\n` +
              `batch: { globalBatch: ${dp * 8}, microBatch: 1, sequenceLength: 4096 }\nrecompute: ${recompute}\n`,
            "property.yaml",
          );
          const e = trainEstimate(s);
          const b = e.breakdown;
          expect(breakdownSumS(e)).toBeCloseTo(e.stepS, 9);
          for (const part of [b.tp, b.cp, b.ep, b.dp, b.pp])
            expect(part.exposedS).toBeLessThanOrEqual(part.totalS + 1e-12);
          expect(e.mfu).toBeGreaterThan(0);
          expect(e.mfu).toBeLessThan(1);
          expect(e.memory.worst.total).toBeGreaterThan(0);
          if (recompute !== "none") expect(b.recomputeS).toBeGreaterThan(0);
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });
});
