/**
 * Energy and cost of a deployment at a load point: accelerator watts from the step model's time
 * per bound and the power curve, the system's other parts pro rata per chip, fans, conversion
 * losses and facility overhead (PUE); joules per token, tokens per kWh; dollars per million tokens
 * from capex (system price over its amortization), electricity and facility capital cost, at the
 * given utilization; TCO per year. Any caller with a time-per-bound profile and token rates
 * (estimate, simulate, later train/search) uses `deploymentEnergy`.
 */
import { itemsActivityShare, type StepActivity, type StepBound } from "../perf/index.ts";
import { CURVE_REGIMES, type EnergyInputs, otherPartsWatts } from "./energy-inputs.ts";

/** A figure with its unit and the ids of the assumptions it used. */
export interface EnergyFigure {
  readonly value: number;
  readonly unit: string;
  readonly uses: readonly string[];
}

export interface LoadPoint {
  /** Accelerator packages the figures are for. */
  readonly chips: number;
  /** Seconds per bound in one step (the step model's `timeByBound`). */
  readonly timeByBound: Readonly<Record<StepBound, number>>;
  /** Wall time of one step (s); bounds summing to less leave the rest idle. */
  readonly stepS: number;
  /** Tensor-core and HBM busy time inside the step's items (the step model's `activity`); absent: each bound at its level. */
  readonly activity?: StepActivity;
  /** Fraction of the time the chips run steps (1 for a steady estimate; a simulation's busy fraction). */
  readonly busyFraction?: number;
  readonly outputTokensPerS: number;
  readonly inputTokensPerS: number;
}

export interface DeploymentEnergy {
  readonly chips: number;
  /** Mean accelerator power as a fraction of its TDP at this load. */
  readonly acceleratorFractionOfTdp: number;
  readonly acceleratorWattsPerChip: EnergyFigure;
  /** The system's other parts (CPUs, switches, optics, memory, NICs), pro rata per chip. */
  readonly otherWattsPerChip: EnergyFigure;
  /** IT power per chip: (accelerator + other parts) × (1 + fans) ÷ conversion efficiency. */
  readonly itWattsPerChip: EnergyFigure;
  /** Facility power per chip: IT × PUE. */
  readonly wattsPerChip: EnergyFigure;
  /** Facility power of all the chips. */
  readonly watts: EnergyFigure;
  readonly joulesPerOutputToken?: EnergyFigure;
  readonly joulesPerInputToken?: EnergyFigure;
  readonly outputTokensPerKWh?: EnergyFigure;
  readonly inputTokensPerKWh?: EnergyFigure;
  readonly usdPerMillionOutputTokens?: EnergyFigure;
  readonly usdPerMillionInputTokens?: EnergyFigure;
  /** Total cost of ownership of these chips per year (capex + electricity + facility). */
  readonly tcoUsdPerYear?: EnergyFigure;
  readonly costUsdPerYear?: {
    readonly capex: number;
    readonly electricity: number;
    readonly facility: number;
  };
  /** Figures that could not be computed, and why. */
  readonly missing: readonly string[];
}

const YEAR_S = 365.25 * 86400;
/** The board power limit, as a fraction of TDP: no step draws more on average. */
const BOARD_LIMIT = 1;
const CURVE_IDS = CURVE_REGIMES.map((r) => `curve.${r}`);
const CONVERSION = ["parts.conversionEfficiency", "parts.fansFraction"];

/**
 * Mean accelerator power as a fraction of TDP over a step. Memory- and overhead-bound items
 * (`activity`) draw from both resources' activity, as activity-based GPU power models do (Hong &
 * Kim, ISCA 2010; AccelWattch, MICRO 2021): idle + (memory − idle)·u_mem + (compute − idle)·u_cores,
 * u = the resource's busy time / the items' time (u_cores from flops at peak: a decode GEMM at
 * batch 128–256 keeps its tensor cores busy for arithmetic intensity / ridge of its time; weighted
 * by (r/φ)³ when the step says at which SM clock it ran, `coreWeightS`: compute = 1 is core activity
 * at the sustained clock, the power-limited clock's law, docs/step-model.md §5), capped
 * at the board power limit (1 × TDP; per bound, not per item). Compute-bound items draw idle +
 * (compute − idle)·(r/φ)³ when the step gives its clock (`activity.compute`), else the compute
 * level. The rest of each bound's time (graph launches, host waits, fabric, a profile without
 * activity) draws the bound's level; the part of the step no bound covers, idle. The step's mean is
 * capped at the board limit (the power-limited clock holds it there).
 * @example acceleratorLoadFraction({ compute: 1, memory: 0.43, fabric: 0.43, overhead: 0.115, idle: 0.115 }, { compute: 0.5, memory: 0.5, fabric: 0, overhead: 0 }, 1) // 0.715
 */
export function acceleratorLoadFraction(
  levels: Readonly<Record<"idle" | StepBound, number>>,
  timeByBound: Readonly<Record<StepBound, number>>,
  stepS: number,
  activity?: StepActivity,
): number {
  let busy = 0;
  let weighted = 0;
  for (const bound of ["compute", "memory", "fabric", "overhead"] as const) {
    const t = timeByBound[bound];
    busy += t;
    const a = bound === "memory" || bound === "overhead" ? activity?.[bound] : undefined;
    const share = itemsActivityShare(levels, a, t);
    if (a !== undefined && share !== undefined) {
      const active =
        share.fixedJ + (levels.compute - levels.idle) * (a.coreWeightS ?? a.computeS) * share.scale;
      weighted += Math.min(active, BOARD_LIMIT * share.itemsS);
    }
    weighted += (t - (share?.itemsS ?? 0)) * levels[bound];
  }
  // Compute-bound items at the step's clock: the dynamic part of the compute level × (r/φ)³.
  const c = activity?.compute;
  if (c !== undefined && c.timeS > 0) {
    const itemsS = Math.min(c.timeS, timeByBound.compute);
    weighted += (levels.compute - levels.idle) * (c.coreWeightS / c.timeS - 1) * itemsS;
  }
  const span = Math.max(busy, stepS);
  if (span <= 0) return levels.idle;
  return Math.min(BOARD_LIMIT, (weighted + (span - busy) * levels.idle) / span);
}

/**
 * Energy and cost of `point.chips` chips at a load point.
 * @example deploymentEnergy(energyInputs(system), { chips: 160, timeByBound, stepS, outputTokensPerS: 320000, inputTokensPerS: 0 }).joulesPerOutputToken?.value
 */
export function deploymentEnergy(inputs: EnergyInputs, point: LoadPoint): DeploymentEnergy {
  const a = inputs.assumptions;
  const v = (id: string) => a[id]?.value ?? Number.NaN;
  const missing = [...inputs.missing];
  const tdp = a["accelerator.tdpW"]?.value ?? 0;
  const levels = {
    idle: v("curve.idle"),
    compute: v("curve.compute"),
    memory: v("curve.memory"),
    fabric: v("curve.fabric"),
    overhead: v("curve.overhead"),
  };
  const busyFraction = point.busyFraction ?? 1;
  const stepFraction = acceleratorLoadFraction(levels, point.timeByBound, point.stepS, point.activity);
  const fraction = levels.idle + busyFraction * (stepFraction - levels.idle);
  const acceleratorW = tdp * fraction;
  const otherW = otherPartsWatts(inputs) / inputs.chipsPerSystem;
  const itFactor = (1 + v("parts.fansFraction")) / v("parts.conversionEfficiency");
  const itW = (acceleratorW + otherW) * itFactor;
  const pue = v("facility.pue");
  const facilityW = itW * pue;

  const accUses = ["accelerator.tdpW", ...CURVE_IDS];
  const otherUses = [...inputs.partIds];
  const itUses = [...accUses, ...otherUses, ...CONVERSION];
  const wUses = [...itUses, "facility.pue"];
  const fig = (value: number, unit: string, uses: readonly string[]): EnergyFigure => ({ value, unit, uses });

  const perToken = (rate: number) => (rate > 0 ? (facilityW * point.chips) / rate : undefined);
  const jOut = perToken(point.outputTokensPerS);
  const jIn = perToken(point.inputTokensPerS);

  // Costs per year of these chips.
  const util = v("cost.utilization");
  const price = a["cost.systemPriceUsd"]?.value;
  const idleItW = (tdp * levels.idle + otherW) * itFactor;
  const meanFacilityW = (util * itW + (1 - util) * idleItW) * pue;
  const electricity = ((meanFacilityW * point.chips * YEAR_S) / 3.6e6) * v("cost.electricityUsdPerKWh");
  // Facility capacity is provisioned for the chips at full compute load.
  const provisionedItW = (tdp * Math.max(levels.compute, fraction) + otherW) * itFactor;
  const facility =
    (v("cost.facilityUsdPerW") * provisionedItW * point.chips) / v("cost.facilityAmortizationYears");
  const costIds = [
    "cost.utilization",
    "cost.electricityUsdPerKWh",
    "cost.facilityUsdPerW",
    "cost.facilityAmortizationYears",
  ];
  let cost: Pick<
    DeploymentEnergy,
    "tcoUsdPerYear" | "costUsdPerYear" | "usdPerMillionOutputTokens" | "usdPerMillionInputTokens"
  > = {};
  if (price !== undefined && tdp > 0) {
    const capex = ((price / inputs.chipsPerSystem) * point.chips) / v("cost.amortizationYears");
    const total = capex + electricity + facility;
    const uses = [...wUses, ...costIds, "cost.systemPriceUsd", "cost.amortizationYears"];
    const perMillion = (rate: number) =>
      rate > 0 ? fig((total / (rate * util * YEAR_S)) * 1e6, "USD per million tokens", uses) : undefined;
    const out = perMillion(point.outputTokensPerS);
    const inp = perMillion(point.inputTokensPerS);
    cost = {
      tcoUsdPerYear: fig(total, "USD per year", uses),
      costUsdPerYear: { capex, electricity, facility },
      ...(out !== undefined ? { usdPerMillionOutputTokens: out } : {}),
      ...(inp !== undefined ? { usdPerMillionInputTokens: inp } : {}),
    };
  }
  if (tdp <= 0) missing.push("no accelerator TDP: no power figures");

  return {
    chips: point.chips,
    acceleratorFractionOfTdp: fraction,
    acceleratorWattsPerChip: fig(acceleratorW, "W", accUses),
    otherWattsPerChip: fig(otherW, "W", otherUses),
    itWattsPerChip: fig(itW, "W", itUses),
    wattsPerChip: fig(facilityW, "W", wUses),
    watts: fig(facilityW * point.chips, "W", wUses),
    ...(jOut !== undefined
      ? {
          joulesPerOutputToken: fig(jOut, "J per output token", wUses),
          outputTokensPerKWh: fig(3.6e6 / jOut, "output tokens per kWh", wUses),
        }
      : {}),
    ...(jIn !== undefined
      ? {
          joulesPerInputToken: fig(jIn, "J per input token", wUses),
          inputTokensPerKWh: fig(3.6e6 / jIn, "input tokens per kWh", wUses),
        }
      : {}),
    ...cost,
    missing,
  };
}
