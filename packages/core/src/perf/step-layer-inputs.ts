/**
 * What a step's layers are timed from, whatever the SM clock: the rank's microbatch work and each
 * layer's operators (the rank's shard, sequence-parallel scaling, the engine's separate kernels,
 * less the operators an engine overlay's kernel includes) and fabric items. They are functions of
 * the scenario, the plan, the profile's `includedOperators` and the batch only — not of the
 * device's peaks or the profile's classes, which are all a power-limited step's lower clock changes
 * (step-clock.ts: `clockedContext` keeps the scenario, plan and `includedOperators`). So the
 * clocked pass of a step (about one step in four of a validation) reuses the inputs its at-peak
 * pass built instead of building every layer's operator list again; each is built once, on first
 * use, and shared read-only.
 */
import { hasMixer, type LayerKind, layerOperators, type Operator } from "../model/index.ts";
import { baseName } from "./separate-kernel-ops.ts";
import { layerCollectives } from "./step-collectives.ts";
import type { StepBatch, StepContext } from "./step-context.ts";
import type { StepItem } from "./step-operators.ts";
import { separateKernelsOf } from "./step-separate-kernels.ts";
import { scaleOperator, unshardedOperators } from "./step-shard.ts";
import { type MicrobatchWork, microbatchWork, type RankKind } from "./step-work.ts";

/** One layer's operators on a kind of rank and its fabric items, before they are timed. */
export interface LayerInputs {
  readonly ops: readonly Operator[];
  readonly collectives: readonly StepItem[];
}

/** A step's clock-independent inputs (see the file comment). */
export interface StepLayerInputs {
  readonly work: MicrobatchWork;
  /** Layer `index` (of kind `kind`) on `rank` (one of `work.rankKinds`); built once per layer and rank. */
  layer(index: number, kind: LayerKind, rank: RankKind): LayerInputs;
  /** Whether these inputs were built for `ctx`'s scenario, plan and included operators. */
  fits(ctx: StepContext): boolean;
}

/**
 * The inputs of `batch`'s step on `ctx`'s plan, for any clock of `ctx`'s device.
 * @example stepLayerInputs(ctx, batch).layer(0, "dense", work.rankKinds[0]).ops.length
 */
export function stepLayerInputs(ctx: StepContext, batch: StepBatch): StepLayerInputs {
  const { scenario, plan, profile } = ctx;
  const arch = scenario.model;
  const work = microbatchWork(ctx, batch);
  const tp = plan.attention.tp;
  const sequenceParallel = batch.phase === "prefill" && plan.attention.sequenceParallel && tp > 1;
  const withKernels = separateKernelsOf(ctx, work, batch.phase);
  // Operators an engine overlay's kernel runs inside the op its values were fitted to (engine-overlay.ts).
  const includedOperators = profile.includedOperators;
  const included = includedOperators?.[batch.phase];
  const built: { index: number; rank: RankKind; inputs: LayerInputs }[] = [];

  const build = (index: number, kind: LayerKind, rank: RankKind): LayerInputs => {
    let ops: readonly Operator[] = layerOperators(arch, index, work.groupWorkload, rank.options);
    if (sequenceParallel) {
      const unsharded = unshardedOperators(arch, index, work.groupWorkload, work.base);
      ops = ops.map((op) => (unsharded.has(op.name) ? scaleOperator(op, 1 / tp) : op));
    }
    ops = withKernels(ops);
    if (included !== undefined) ops = ops.filter((op) => !included.includes(baseName(op)));
    const collectives = layerCollectives(ctx, work, kind, sequenceParallel, 1, hasMixer(arch, index));
    return { ops, collectives };
  };

  return {
    work,
    layer(index, kind, rank) {
      for (const b of built) if (b.index === index && b.rank === rank) return b.inputs;
      const inputs = build(index, kind, rank);
      built.push({ index, rank, inputs });
      return inputs;
    },
    fits: (other) =>
      other.scenario === scenario &&
      other.plan === plan &&
      other.profile.includedOperators === includedOperators,
  };
}
