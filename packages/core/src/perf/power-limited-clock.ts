/**
 * The SM clock a serving step runs at under the chip's power limit. The operator efficiencies are
 * timed at the clock the listed peaks assume (short kernel benchmarks); a step whose compute-bound
 * part would draw more than the board's limit is slowed until its mean power meets it. Power per
 * bound is the energy model's curve (data/power/load-power.yaml, as fractions of TDP: memory 0.75,
 * fabric 0.43, launch gaps and uncovered time at the idle 0.115; memory- and overhead-bound items
 * with activity by its activity rule, their core activity at the clock); compute-bound time draws the
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
 * the listed clock (HBM-streaming decode under vLLM draws ≈ 0.75 of TDP on H100, the ML.ENERGY
 * v3.0 batch-8 rows, data/power); steps that add compute to it, or whose HBM-bound GEMMs keep the
 * tensor cores busy (batch 128+), reach the limit sooner.
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

/** Core (flops at the listed peak) and HBM busy time inside a bound's items, and their time (s). */
export interface ItemActivity {
  readonly timeS: number;
  readonly computeS: number;
  readonly memoryS: number;
}

/**
 * The activity rule (docs/energy.md) over a memory- or overhead-bound's time `t`: the part its items
 * with activity cover (`itemsS`), the factor scaling their busy times to it, and their clock-free
 * energy idle·itemsS + (memory − idle)·HBM busy (× TDP·s). The core term, (compute − idle)·core busy
 * time at the step's clock, is the caller's (energy model, power-limited clock). Undefined where no
 * item with activity falls in `t`: the bound draws its level.
 * @example itemsActivityShare({ idle: 0.1, memory: 0.7 }, { timeS: 2, computeS: 0.5, memoryS: 1 }, 1) // { itemsS: 1, scale: 0.5, fixedJ: 0.1 + 0.3 }
 */
export function itemsActivityShare(
  levels: Pick<BoundPowerLevels, "idle" | "memory">,
  a: ItemActivity | undefined,
  t: number,
): { readonly itemsS: number; readonly scale: number; readonly fixedJ: number } | undefined {
  const itemsS = a === undefined || !(a.timeS > 0) ? 0 : Math.min(a.timeS, t);
  if (a === undefined || !(itemsS > 0)) return undefined;
  const scale = itemsS / a.timeS;
  return { itemsS, scale, fixedJ: levels.idle * itemsS + (levels.memory - levels.idle) * a.memoryS * scale };
}

/** A step's time per bound at the listed peaks' clock (s), and its wall time. */
export interface StepPowerInput {
  readonly timeByBound: Readonly<Record<"compute" | "memory" | "fabric" | "overhead", number>>;
  readonly stepS: number;
  /** Core and HBM activity inside the memory- and overhead-bound items (absent: those bounds at their levels). */
  readonly activity?: Readonly<Record<"memory" | "overhead", ItemActivity>>;
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
  if (!(phi > 0) || phi >= 1) return 1;
  const s = levels.idle;
  const shares = wallShares(step, levels);
  const tc = shares.compute;
  // g(r) = P(r)·D(r) − D(r): increasing in r, g(φ) ≤ 0.
  const g = (r: number) => {
    const core = (1 - s) * (r / phi) ** powerExponent;
    return (tc / r) * (s + core - 1) + shares.otherEnergy(r, core) - shares.otherTime;
  };
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
 * The step's wall time split into compute-bound time and the rest, with the rest's energy (× TDP·s)
 * at clock ratio r. Memory- and overhead-bound items with activity draw the energy model's activity
 * rule, idle + (memory − idle)·u_mem + core activity at the clock, `core` = (1 − idle)·(r/φ)³ × the core busy
 * time (which grows as 1/r); other time draws its bound's level. Serial bounds (their times sum to
 * at most the step): the uncovered time at the idle level. Overlapped streams (microbatch overlap:
 * the times sum past the step): the compute-bound kernels keep their wall time (up to the whole
 * step) and the rest of the step draws the mean level of the other bounds — a transfer hidden under
 * compute adds no power of its own (its links and the few SMs it uses are small next to the tensor
 * cores: an assumption).
 */
function wallShares(
  step: StepPowerInput,
  levels: BoundPowerLevels,
): {
  readonly compute: number;
  readonly otherTime: number;
  readonly otherEnergy: (r: number, core: number) => number;
} {
  const { compute: tc, memory: tm, fabric: tf, overhead: to } = step.timeByBound;
  // A memory or overhead bound's energy at clock ratio r: what does not depend on r is summed once.
  const boundEnergy = (bound: "memory" | "overhead", t: number): ((r: number, core: number) => number) => {
    const a = step.activity?.[bound];
    const share = itemsActivityShare(levels, a, t);
    if (a === undefined || share === undefined) return () => t * levels[bound];
    const rest = (t - share.itemsS) * levels[bound];
    const coreS = a.computeS * share.scale;
    return (r, core) => rest + (share.fixedJ + core * (coreS / r));
  };
  const memoryJ = boundEnergy("memory", tm);
  const overheadJ = boundEnergy("overhead", to);
  const fabricJ = tf * levels.fabric;
  const othersS = tm + tf + to;
  const othersJ = (r: number, core: number) => memoryJ(r, core) + fabricJ + overheadJ(r, core);
  if (tc + othersS <= step.stepS) {
    const uncovered = step.stepS - tc - othersS;
    return {
      compute: tc,
      otherTime: othersS + uncovered,
      otherEnergy: (r, core) => othersJ(r, core) + uncovered * levels.idle,
    };
  }
  const compute = Math.min(tc, step.stepS);
  const otherTime = step.stepS - compute;
  return {
    compute,
    otherTime,
    otherEnergy: (r, core) => (othersS > 0 ? (otherTime * othersJ(r, core)) / othersS : 0),
  };
}
