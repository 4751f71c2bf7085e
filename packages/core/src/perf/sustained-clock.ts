/**
 * Sustained clocks of a training job. The operator efficiencies are measured in short kernel
 * benchmarks, which run at (or above) the clock the listed tensor peaks assume; a training step
 * keeps the tensor cores busy for seconds and the power limit pulls the SM clock down (HBM clocks
 * do not move). Data: `data/power/sustained-clocks.yaml`, per die family:
 *
 *   peak clock      = dense BF16 peak / (SMs × tensor FLOPs per clock per SM)
 *   sustained clock = min(peak clock, anchor clock × (TDP / anchor power)^(1 / powerExponent))
 *   fraction        = sustained clock / peak clock
 *
 * The fraction scales every compute peak of the rank's device (tensor formats and the vector unit);
 * memory bandwidth, SM count (tiles and waves) and launch costs stay. Chips of no listed family, or
 * without a TDP, an SM count or a BF16 peak, are not modelled (fraction 1).
 */
import { z } from "zod";
import { builtinDataOnce } from "../catalog/index.ts";
import type { Chip } from "../hardware/index.ts";
import { inlineSourcedValueSchema } from "../spec/index.ts";
import type { Device } from "./device.ts";
import type { ClassProfile, EfficiencyProfile } from "./efficiency-profile.ts";

const valueSchema = inlineSourcedValueSchema(z.number().positive());
const familySchema = z.strictObject({
  id: z.string(),
  chips: z.array(z.string()).min(1),
  tensorFlopsPerClockPerSm: valueSchema,
  anchor: z.strictObject({ powerW: z.number().positive(), sustainedClockMHz: valueSchema }),
});
const fileSchema = z.strictObject({ powerExponent: valueSchema, families: z.array(familySchema).min(1) });
export type SustainedClockData = z.output<typeof fileSchema>;

/** The built-in sustained-clock data (parsed once). */
export const sustainedClockData: () => SustainedClockData = builtinDataOnce(
  "power/sustained-clocks.yaml",
  fileSchema,
);

export interface SustainedClock {
  readonly family: string;
  readonly peakClockHz: number;
  readonly sustainedClockHz: number;
  /** sustained / peak clock, in (0, 1]. */
  readonly fraction: number;
}

/**
 * The sustained clock of `chip` under training load, or undefined when it is not modelled.
 * @example sustainedClock(b200Chip, efficiencyProfile("b200"))?.fraction // ≈ 0.851 (1,580 / 1,856 MHz)
 */
export function sustainedClock(
  chip: Chip,
  profile: EfficiencyProfile,
  data: SustainedClockData = sustainedClockData(),
): SustainedClock | undefined {
  const family = data.families.find(
    (f) => f.chips.includes(chip.id) || f.chips.includes(chip.origin.extends ?? ""),
  );
  const sms = profile.classes.gemm.cores?.value;
  const bf16 = chip.peakFlopsPerS.bf16?.value;
  const tdp = chip.tdpW?.value;
  if (family === undefined || sms === undefined || bf16 === undefined || tdp === undefined) return undefined;
  const devices = chip.diesAreDevices ? chip.dies.value : 1;
  const peakClockHz = bf16 / devices / (sms * family.tensorFlopsPerClockPerSm.value);
  const scaled =
    family.anchor.sustainedClockMHz.value *
    1e6 *
    (tdp / family.anchor.powerW) ** (1 / data.powerExponent.value);
  const sustainedClockHz = Math.min(peakClockHz, scaled);
  return { family: family.id, peakClockHz, sustainedClockHz, fraction: sustainedClockHz / peakClockHz };
}

/**
 * The device and profile with every compute peak scaled by `fraction` (a lower SM clock).
 * @example atClockFraction(device, profile, 0.85).device.peakFlopsPerS.bf16?.value // 0.85 × peak
 */
export function atClockFraction(
  device: Device,
  profile: EfficiencyProfile,
  fraction: number,
): { readonly device: Device; readonly profile: EfficiencyProfile } {
  if (!(fraction > 0) || fraction >= 1) return { device, profile };
  const peakFlopsPerS = Object.fromEntries(
    Object.entries(device.peakFlopsPerS).map(([k, v]) => [k, { ...v, value: v.value * fraction }]),
  ) as Device["peakFlopsPerS"];
  const classes = Object.fromEntries(
    Object.entries(profile.classes).map(([name, c]: [string, ClassProfile]) => [
      name,
      c.vectorPeakFlopsPerS === undefined
        ? c
        : {
            ...c,
            vectorPeakFlopsPerS: { ...c.vectorPeakFlopsPerS, value: c.vectorPeakFlopsPerS.value * fraction },
          },
    ]),
  ) as unknown as EfficiencyProfile["classes"];
  return { device: { ...device, peakFlopsPerS }, profile: { ...profile, classes } };
}
