/**
 * Where an end-to-end result sits — system, chip, vendor, model, phase and operating point — and
 * the distance between two such points, used to show beside an estimate the published reference
 * case nearest to it (docs/validation.md, "Nearest reference case").
 */
import type { Scenario } from "../deploy/index.ts";

export type MetricPhase = "decode" | "prefill";

export interface OperatingPoint {
  readonly system: string;
  readonly chip: string;
  readonly vendor: string;
  readonly model: string;
  readonly phase: MetricPhase;
  /** Decode: sequences per chip and KV length (tokens). */
  readonly batchPerChip?: number;
  readonly kvLength?: number;
  /** Prefill: tokens per chip per step and prompt length (tokens). */
  readonly tokensPerChip?: number;
  readonly promptLength?: number;
}

/** The phase a metric belongs to. */
export function metricPhase(metric: string): MetricPhase {
  return metric.startsWith("prefill") ? "prefill" : "decode";
}

/**
 * The operating point of one phase of a scenario (the values its estimate runs at), read from the
 * deployment plan without estimating.
 * @example operatingPoint(scenario, "decode").batchPerChip // 96
 */
export function operatingPoint(scenario: Scenario, phase: MetricPhase): OperatingPoint {
  const base = {
    system: scenario.system.id,
    chip: scenario.system.node.accelerator.chip.id,
    vendor: scenario.system.vendor,
    model: scenario.model.id,
    phase,
  };
  const d = scenario.deployment;
  const plan = phase === "decode" ? (d.decode ?? d.colocated) : (d.prefill ?? d.colocated);
  if (plan === undefined) return base;
  const defined = (entries: [string, number | undefined][]) =>
    Object.fromEntries(entries.filter((e): e is [string, number] => e[1] !== undefined));
  return phase === "decode"
    ? {
        ...base,
        ...defined([
          ["batchPerChip", plan.batchPerChip],
          ["kvLength", plan.kvLength],
        ]),
      }
    : {
        ...base,
        ...defined([
          ["tokensPerChip", plan.tokensPerChip],
          ["promptLength", plan.promptLength],
        ]),
      };
}

/** |log2(a / b)|, 0 when either is unknown. */
function octaves(a: number | undefined, b: number | undefined): number {
  return a === undefined || b === undefined || a <= 0 || b <= 0 ? 0 : Math.abs(Math.log2(a / b));
}

/** Weights of the distance (docs/validation.md). */
export const POINT_DISTANCE_WEIGHTS = {
  vendor: 4,
  chip: 2,
  system: 1,
  model: 2,
  /** Per factor of two in batch (decode) or tokens per chip (prefill). */
  batchOctave: 0.5,
  /** Per factor of two in KV length (decode) or prompt length (prefill). */
  lengthOctave: 0.5,
} as const;

/**
 * Distance between two operating points of the same phase (Infinity across phases): a vendor, chip,
 * system or model mismatch adds its weight; batch and sequence length add per factor of two.
 * @example pointDistance(a, a) // 0
 */
export function pointDistance(a: OperatingPoint, b: OperatingPoint): number {
  if (a.phase !== b.phase) return Number.POSITIVE_INFINITY;
  const w = POINT_DISTANCE_WEIGHTS;
  const differs = (x: string, y: string, weight: number) => (x === y ? 0 : weight);
  const batch =
    a.phase === "decode"
      ? octaves(a.batchPerChip, b.batchPerChip)
      : octaves(a.tokensPerChip, b.tokensPerChip);
  const length =
    a.phase === "decode" ? octaves(a.kvLength, b.kvLength) : octaves(a.promptLength, b.promptLength);
  return (
    differs(a.vendor, b.vendor, w.vendor) +
    differs(a.chip, b.chip, w.chip) +
    differs(a.system, b.system, w.system) +
    differs(a.model, b.model, w.model) +
    w.batchOctave * batch +
    w.lengthOctave * length
  );
}
