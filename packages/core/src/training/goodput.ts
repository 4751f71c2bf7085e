/**
 * Failures, checkpoints and goodput of a synchronous training job. Any interruption stops every
 * chip; the job restarts from its last checkpoint. With a per-chip interruption rate λ (data:
 * training/reliability.yaml, from Llama 3's 419 interruptions in 54 days on 16,384 H100), N chips
 * fail on average every M = 1 / (λN). Writing a checkpoint of the full model state (parameters,
 * fp32 master weights, Adam moments) blocks for δ = bytes / storage write bandwidth. Checkpoints
 * every τ of work: Young's optimum τ = √(2δM) with Daly's correction −δ (Daly 2006, "A higher order
 * estimate of the optimum checkpoint interval for restart dumps", FGCS 22(3)). First-order goodput:
 *
 *   goodput = τ / (τ + δ) × max(0, 1 − (R + (τ + δ) / 2) / M)
 *
 * (checkpoint overhead, then per failure a restart R and on average half an interval of lost work).
 */
import { z } from "zod";
import { builtinDataOnce } from "../catalog/index.ts";
import { DTYPE_BYTES } from "../hardware/index.ts";
import { countParameters } from "../model/index.ts";
import { inlineSourcedValueSchema, inlineSourceSchema } from "../spec/index.ts";
import type { TrainingScenario } from "./training-scenario.ts";

const valueSchema = inlineSourcedValueSchema(z.number().nonnegative()).extend({
  alternatives: z
    .array(z.strictObject({ value: z.number(), source: inlineSourceSchema, note: z.string().optional() }))
    .optional(),
});
const fileSchema = z.strictObject({
  failuresPerChipHour: valueSchema,
  checkpointWriteBytesPerS: valueSchema,
  restartS: valueSchema,
});
export type ReliabilityData = z.output<typeof fileSchema>;

/** The built-in reliability inputs with their sources (parsed once). */
export const reliabilityData: () => ReliabilityData = builtinDataOnce(
  "training/reliability.yaml",
  fileSchema,
);

export interface GoodputInputs {
  readonly chips: number;
  readonly failuresPerChipHour: number;
  readonly checkpointBytes: number;
  readonly checkpointWriteBytesPerS: number;
  readonly restartS: number;
  /** Fixed interval; default the Young/Daly optimum. */
  readonly checkpointIntervalS?: number;
}

export interface Goodput {
  readonly chips: number;
  /** Job mean time between interruptions. */
  readonly mtbfS: number;
  readonly checkpointWriteS: number;
  readonly checkpointIntervalS: number;
  /** Useful fraction of wall time. */
  readonly goodput: number;
  /** Lost to writing checkpoints, to restarts and to re-doing work since the last checkpoint. */
  readonly checkpointLoss: number;
  readonly restartLoss: number;
  readonly reworkLoss: number;
}

/**
 * Goodput of a job of `chips` chips.
 * @example goodput({ chips: 16384, failuresPerChipHour: 1.973e-5, checkpointBytes: 5.7e12, checkpointWriteBytesPerS: 2e12, restartS: 600 }).goodput // ≈ 0.9
 */
export function goodput(i: GoodputInputs): Goodput {
  const mtbfS = 3600 / (i.failuresPerChipHour * i.chips);
  const delta = i.checkpointBytes / i.checkpointWriteBytesPerS;
  const young = Math.sqrt(2 * delta * mtbfS);
  const tau = i.checkpointIntervalS ?? (delta < 2 * mtbfS ? Math.max(young - delta, delta) : mtbfS);
  const checkpointLoss = delta / (tau + delta);
  const useful = 1 - checkpointLoss;
  const restartLoss = (i.restartS / mtbfS) * useful;
  const reworkLoss = ((tau + delta) / 2 / mtbfS) * useful;
  const value = useful * Math.max(0, 1 - (i.restartS + (tau + delta) / 2) / mtbfS);
  return {
    chips: i.chips,
    mtbfS,
    checkpointWriteS: delta,
    checkpointIntervalS: tau,
    goodput: value,
    checkpointLoss,
    restartLoss: Math.min(restartLoss, useful),
    reworkLoss: Math.min(reworkLoss, Math.max(0, useful - restartLoss)),
  };
}

/** Bytes of one full checkpoint: parameters, master weights and both Adam moments (MTP included). */
export function checkpointBytes(s: TrainingScenario): number {
  const p = s.precision;
  const perParam = DTYPE_BYTES[p.params] + (p.masterWeights ? 4 : 0) + 2 * DTYPE_BYTES[p.optimizerStates];
  return countParameters(s.model).withMtp * perParam;
}

/** The scenario's goodput inputs: its own `reliability` values over the built-in ones. */
export function goodputInputs(s: TrainingScenario, chips = s.chips): GoodputInputs {
  const data = reliabilityData();
  const r = s.reliability;
  return {
    chips,
    failuresPerChipHour: r.failuresPerChipHour ?? data.failuresPerChipHour.value,
    checkpointBytes: checkpointBytes(s),
    checkpointWriteBytesPerS: r.checkpointWriteBytesPerS ?? data.checkpointWriteBytesPerS.value,
    restartS: r.restartS ?? data.restartS.value,
    ...(r.checkpointIntervalS !== undefined ? { checkpointIntervalS: r.checkpointIntervalS } : {}),
  };
}

/**
 * Goodput versus job size for the scenario's model and inputs (powers of two from 8 chips).
 * @example goodputCurve(scenario, 131072).map((g) => [g.chips, g.goodput])
 */
export function goodputCurve(s: TrainingScenario, maxChips = 131072): Goodput[] {
  const out: Goodput[] = [];
  const inputs = goodputInputs(s);
  for (let n = 8; n <= maxChips; n *= 2) out.push(goodput({ ...inputs, chips: n }));
  return out;
}
