/**
 * A step context at a lower SM clock: the power-limited clock of a serving step
 * (power-limited-clock.ts) applied to the instance's device and efficiency profile.
 */
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
  const clock = sustainedClock(ctx.scenario.system.node.accelerator.chip, ctx.profile);
  if (clock === undefined || clock.fraction >= 1) return 1;
  const r = powerLimitedClockFraction(
    step,
    clock.fraction,
    undefined,
    sustainedClockData().powerExponent.value,
  );
  return r >= 1 ? 1 : Math.floor(r * QUANTUM) / QUANTUM;
}

/**
 * What core activity draws at SM clock ratio r relative to the sustained clock: (r/φ)^exponent, the
 * dynamic-power law of the power-limited clock (1 for a chip without sustained-clock data).
 * @example corePowerFactor(h100Ctx, 1) // ≈ 1.57 (1,830 / 1,575 MHz, cubed)
 */
export function corePowerFactor(ctx: StepContext, r: number): number {
  const clock = sustainedClock(ctx.scenario.system.node.accelerator.chip, ctx.profile);
  if (clock === undefined || !(clock.fraction > 0) || clock.fraction >= 1) return 1;
  return (r / clock.fraction) ** sustainedClockData().powerExponent.value;
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
