/**
 * The SM clock a serving step runs at under the chip's power limit. The operator efficiencies are
 * timed at the clock the listed peaks assume (short kernel benchmarks); a step whose compute-bound
 * part would draw more than the board's limit is slowed until its mean power meets it. Power per
 * bound is the energy model's curve (data/power/load-power.yaml, as fractions of TDP: memory 0.72,
 * fabric 0.43, launch gaps and uncovered time at the idle 0.115); compute-bound time draws the
 * static (idle) level plus a dynamic part ∝ clock³ (the exponent of data/power/sustained-clocks.yaml),
 * sized so that a load of compute alone is held at TDP exactly at the sustained clock of
 * `sustainedClock` — the training rule, which this one meets at its anchors. With clock ratio r
 * (clock / the listed peaks' clock), φ the sustained fraction, s the static level, compute time t_c
 * at r = 1 (it grows as 1/r), other energy B and time C:
 *
 *   P(r) = (t_c/r · (s + (1 − s)(r/φ)³) + B) / (t_c/r + C)   (× TDP)
 *
 * P rises with r and P(φ) ≤ 1, so the step runs at r = 1 when P(1) ≤ 1, else at the root of
 * P(r) = 1 in (φ, 1): never below the training clock. Decode steps that mostly stream HBM stay at
 * the listed clock (HBM-streaming decode under vLLM draws ≈ 0.72 of TDP on H100, the ML.ENERGY
 * v3.0 batch-8 rows, data/power); steps that add compute to it reach the limit sooner.
 */
import { z } from "zod";
import { parseBuiltinData } from "../catalog/index.ts";

/** Accelerator power per step bound, as fractions of TDP (the energy model's curve). */
export interface BoundPowerLevels {
  readonly idle: number;
  readonly memory: number;
  readonly fabric: number;
  readonly overhead: number;
}

const level = z.object({ value: z.number().nonnegative().max(1) });
const curveSchema = z.object({
  acceleratorCurve: z.object({ idle: level, memory: level, fabric: level, overhead: level }),
});
let cachedLevels: BoundPowerLevels | undefined;

/** The energy model's levels (data/power/load-power.yaml acceleratorCurve), parsed once. */
export function boundPowerLevels(): BoundPowerLevels {
  if (cachedLevels === undefined) {
    const c = parseBuiltinData("power/load-power.yaml", curveSchema).acceleratorCurve;
    cachedLevels = {
      idle: c.idle.value,
      memory: c.memory.value,
      fabric: c.fabric.value,
      overhead: c.overhead.value,
    };
  }
  return cachedLevels;
}

/** A step's time per bound at the listed peaks' clock (s), and its wall time. */
export interface StepPowerInput {
  readonly timeByBound: Readonly<Record<"compute" | "memory" | "fabric" | "overhead", number>>;
  readonly stepS: number;
}

/**
 * The clock ratio r in [φ, 1] at which the step's mean power meets the limit (1: not limited).
 * @example powerLimitedClockFraction({ timeByBound: { compute: 1, memory: 0, fabric: 0, overhead: 0 }, stepS: 1 }, 0.86) // 0.86
 */
export function powerLimitedClockFraction(
  step: StepPowerInput,
  sustainedFraction: number,
  levels: BoundPowerLevels = boundPowerLevels(),
  powerExponent = 3,
): number {
  const phi = sustainedFraction;
  if (!(phi > 0) || phi >= 1 || !(step.timeByBound.compute > 0)) return 1;
  const { compute: tc, otherTime, otherEnergy } = wallShares(step, levels);
  const s = levels.idle;
  // g(r) = P(r)·D(r) − D(r): increasing in r, g(φ) = B − C ≤ 0.
  const g = (r: number) =>
    (tc / r) * (s + (1 - s) * (r / phi) ** powerExponent - 1) + otherEnergy - otherTime;
  if (g(1) <= 0) return 1;
  let lo = phi;
  let hi = 1;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (g(mid) > 0) hi = mid;
    else lo = mid;
  }
  return lo;
}

/**
 * The step's wall time split into compute-bound time and the rest, with the rest's energy (× TDP·s).
 * Serial bounds (their times sum to at most the step): the energy model's time-weighted mean, the
 * uncovered time at the idle level. Overlapped streams (microbatch overlap: the times sum past the
 * step): the compute-bound kernels keep their wall time (up to the whole step) and the rest of the
 * step draws the mean level of the other bounds — a transfer hidden under compute adds no power of
 * its own (its links and the few SMs it uses are small next to the tensor cores: an assumption).
 */
function wallShares(
  step: StepPowerInput,
  levels: BoundPowerLevels,
): { readonly compute: number; readonly otherTime: number; readonly otherEnergy: number } {
  const { compute: tc, memory: tm, fabric: tf, overhead: to } = step.timeByBound;
  const othersS = tm + tf + to;
  const othersJ = tm * levels.memory + tf * levels.fabric + to * levels.overhead;
  if (tc + othersS <= step.stepS) {
    const uncovered = step.stepS - tc - othersS;
    return { compute: tc, otherTime: othersS + uncovered, otherEnergy: othersJ + uncovered * levels.idle };
  }
  const compute = Math.min(tc, step.stepS);
  const otherTime = step.stepS - compute;
  return { compute, otherTime, otherEnergy: othersS > 0 ? (otherTime * othersJ) / othersS : 0 };
}
