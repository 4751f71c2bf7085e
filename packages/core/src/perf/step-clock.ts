/**
 * A step context at a lower SM clock: the power-limited clock of a serving step
 * (power-limited-clock.ts) applied to the instance's device and efficiency profile.
 */
import type { Chip } from "../hardware/index.ts";
import type { Device } from "./device.ts";
import type { EfficiencyProfile } from "./efficiency-profile.ts";
import { powerLimitedClockFraction, type StepPowerInput } from "./power-limited-clock.ts";
import type { StepContext } from "./step-context.ts";
import { atClockFraction, sustainedClock, sustainedClockData } from "./sustained-clock.ts";

/** Clock ratios are kept to 1e-4 (a 0.01 % step), so contexts and their caches are reused. */
const QUANTUM = 1e4;

/**
 * The step's clock ratio under the power limit (1 when its chip has no sustained-clock data or it
 * stays under the limit at the listed peaks' clock), rounded down to 1e-4.
 * @example powerLimitedFraction(ctx, stepAtPeak) // 1 for a memory-bound decode step
 */
export function powerLimitedFraction(ctx: StepContext, step: StepPowerInput): number {
  const law = clockLaw(ctx);
  if (law === undefined) return 1;
  const r = powerLimitedClockFraction(step, law.fraction, undefined, law.exponent);
  return r >= 1 ? 1 : Math.floor(r * QUANTUM) / QUANTUM;
}

/**
 * What core activity draws at SM clock ratio r relative to the sustained clock: (r/φ)^exponent, the
 * dynamic-power law of the power-limited clock (1 for a chip without sustained-clock data).
 * @example corePowerFactor(h100Ctx, 1) // ≈ 1.57 (1,830 / 1,575 MHz, cubed)
 */
export function corePowerFactor(ctx: StepContext, r: number): number {
  const law = clockLaw(ctx);
  return law === undefined ? 1 : (r / law.fraction) ** law.exponent;
}

/** The sustained-clock fraction φ in (0, 1) and the power exponent; undefined: the clock never drops. */
type ClockLaw = { readonly fraction: number; readonly exponent: number } | undefined;

/** Per efficiency profile and chip: every step of a search asks twice (clock, then core power). */
const laws = new WeakMap<EfficiencyProfile, WeakMap<Chip, ClockLaw>>();

function clockLaw(ctx: StepContext): ClockLaw {
  const chip = ctx.scenario.system.node.accelerator.chip;
  let byChip = laws.get(ctx.profile);
  if (byChip === undefined) {
    byChip = new WeakMap();
    laws.set(ctx.profile, byChip);
  }
  if (byChip.has(chip)) return byChip.get(chip);
  const clock = sustainedClock(chip, ctx.profile);
  const law =
    clock === undefined || !(clock.fraction > 0) || clock.fraction >= 1
      ? undefined
      : { fraction: clock.fraction, exponent: sustainedClockData().powerExponent.value };
  byChip.set(chip, law);
  return law;
}

const clocked = new WeakMap<
  Device,
  WeakMap<EfficiencyProfile, Map<number, ReturnType<typeof atClockFraction>>>
>();

/**
 * The context with every compute peak scaled by `fraction` (memory, fabric and launch costs kept).
 * @example clockedContext(ctx, 0.9).device.peakFlopsPerS.bf16?.value // 0.9 × the listed peak
 */
export function clockedContext(ctx: StepContext, fraction: number): StepContext {
  let byProfile = clocked.get(ctx.device);
  if (byProfile === undefined) {
    byProfile = new WeakMap();
    clocked.set(ctx.device, byProfile);
  }
  let byFraction = byProfile.get(ctx.profile);
  if (byFraction === undefined) {
    byFraction = new Map();
    byProfile.set(ctx.profile, byFraction);
  }
  let scaled = byFraction.get(fraction);
  if (scaled === undefined) {
    scaled = atClockFraction(ctx.device, ctx.profile, fraction);
    byFraction.set(fraction, scaled);
  }
  return { ...ctx, device: scaled.device, profile: scaled.profile, shares: new Map() };
}
