/**
 * The scenario's optional `power:` and `cost:` sections: overrides of the defaults in
 * data/power/*.yaml for energy and cost figures (docs/energy.md). Every field is optional; a given
 * one replaces the sourced default and is reported as a scenario input.
 *
 * @example
 * power: { pue: 1.2, acceleratorTdpW: 700, curve: { memory: 0.5 } }
 * cost: { systemPriceUsd: 4000000, electricityUsdPerKWh: 0.1, utilization: 0.6 }
 */
import { z } from "zod";
import { nearestNames } from "./suggest.ts";

/** A strict object whose unknown-field message names the section, the nearest field and every field. */
function section<T extends z.ZodRawShape>(shape: T, name: string) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      const key = String(issue.keys[0]);
      const near = nearestNames(key, known, 2);
      return `unknown field "${key}" in ${name}: ${near.length > 0 ? `did you mean ${near.join(" or ")}? ` : ""}expected fields: ${known.join(", ")}`;
    },
  });
}

const fraction = z.number().min(0).max(1.5);

/** Fractions of TDP drawn per regime of the step model. */
export const powerCurveSchema = section(
  {
    idle: fraction.optional(),
    memory: fraction.optional(),
    compute: fraction.optional(),
    fabric: fraction.optional(),
    overhead: fraction.optional(),
  },
  "power.curve",
);

export const powerSectionSchema = section(
  {
    /** Accelerator TDP (W), replacing the chip file's or data/power's value. */
    acceleratorTdpW: z.number().positive().optional(),
    /** Facility power ÷ IT power (≥ 1). */
    pue: z.number().min(1).optional(),
    /** Fractions of TDP per regime (idle, memory, compute, fabric, overhead). */
    curve: powerCurveSchema.optional(),
    /** Watts of the system's parts other than accelerators, replacing data/power's sum (per system). */
    otherPartsW: z.number().nonnegative().optional(),
  },
  "power",
);
export type PowerSection = z.output<typeof powerSectionSchema>;

export const costSectionSchema = section(
  {
    /** Price of one system (USD). */
    systemPriceUsd: z.number().positive().optional(),
    /** Years over which the system is written off. */
    amortizationYears: z.number().positive().optional(),
    /** Electricity price (USD per kWh). */
    electricityUsdPerKWh: z.number().nonnegative().optional(),
    /** Data-center capital cost per watt of IT capacity (USD/W). */
    facilityUsdPerW: z.number().nonnegative().optional(),
    /** Years over which the facility is written off. */
    facilityAmortizationYears: z.number().positive().optional(),
    /** Fraction of the year serving at this operating point (idle otherwise). */
    utilization: z.number().gt(0).max(1).optional(),
  },
  "cost",
);
export type CostSection = z.output<typeof costSectionSchema>;
