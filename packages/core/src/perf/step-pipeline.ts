/**
 * The step of an instance with pipeline stages, offloaded weights / KV cache, or a separate
 * speculative draft model, composed around the one-stage step model (`stepTime`):
 *
 * - Pipeline parallelism: the batch is split into M microbatches (default M = stages); each stage
 *   runs its layers on its ranks; a microbatch's hidden state and residual move to the next stage
 *   (each TP rank sends its 1/TP slice, the receiving stage all-gathers, as vLLM does), over the
 *   scale-up fabric inside a system and the scale-out fabric across systems. A decode cycle (every
 *   sequence advances one step) takes max(M × slowest stage, the loop of one microbatch through
 *   every stage and its transfers, back to the first stage); the bubble is the cycle minus the
 *   mean stage's busy time. Prefill streams microbatches: throughput M × slowest stage per batch,
 *   latency Σ stages + transfers + (M − 1) × slowest stage.
 * - Offload: every layer pass streams its offloaded weights (and reads its offloaded KV) over the
 *   host link while the previous layer computes: layer time = max(compute, transfer).
 * - A draft model: draftTokens passes of the draft over the batch, after the target's pass; in a
 *   prefill iteration one pass over the prompt tokens (the draft fills its own KV cache).
 * The pipeline's transfers and cycle are timed in step-pipeline-stages.ts.
 */
import { draftPrecision, hostLinkFor, type InstancePlan, rankMemory } from "../deploy/index.ts";
import { kvBytesPerTokenPerLayer, type LayerKind, layerGroupIndex, layerKinds } from "../model/index.ts";
import { computeDevice } from "./device.ts";
import type { HostTiming } from "./host-time.ts";
import { type StepBatch, type StepContext, stepContext } from "./step-context.ts";
import { type StepBreakdown, stepTime } from "./step-model.ts";
import { type PipelineStep, pipelineTiming } from "./step-pipeline-stages.ts";

export interface OffloadStep {
  readonly link: string;
  readonly perLayer: ReadonlyArray<{
    readonly kind: LayerKind;
    readonly computeS: number;
    readonly weightsTransferS: number;
    readonly kvTransferS: number;
  }>;
  /** Added to one pass of all layers by transfers longer than compute. */
  readonly exposedS: number;
}

export interface DraftStep {
  readonly model: string;
  readonly passes: number;
  readonly passS: number;
  readonly timeS: number;
}

/** A step breakdown with the pipeline, offload and draft-model parts where the plan has them. */
export interface InstanceStep extends StepBreakdown {
  readonly pipeline?: PipelineStep;
  readonly offload?: OffloadStep;
  readonly draft?: DraftStep;
  /** The engine's host time of the iteration and the GPU's wait for it (host-time.ts), included in stepS. */
  readonly host?: HostTiming;
}

interface Extra {
  readonly stage: StepContext;
  readonly draft?: StepContext;
  readonly bytesPerLayer?: Readonly<Record<LayerKind, number>>;
  readonly linkBytesPerS?: number;
  readonly linkName?: string;
}
const extras = new WeakMap<StepContext, Extra>();

function extraOf(ctx: StepContext): Extra {
  const hit = extras.get(ctx);
  if (hit !== undefined) return hit;
  const { scenario, plan } = ctx;
  const stagePlan = plan.pipeline?.stage ?? plan;
  const stage = plan.pipeline !== undefined ? stepContext(scenario, stagePlan) : ctx;
  let extra: Extra = { stage };
  const draftArch = plan.mtp?.draft?.arch;
  if (draftArch !== undefined) {
    const { mtp: _m, moe: _e, offload: _o, pipeline: _p, overlap: _v, ...rest } = stagePlan;
    const draftPlan: InstancePlan = rest;
    const precision = draftPrecision(scenario.precision, plan.mtp?.draft?.weights);
    extra = { ...extra, draft: stepContext({ ...scenario, model: draftArch, precision }, draftPlan) };
  }
  if (plan.offload !== undefined) {
    const arch = scenario.model;
    const m = rankMemory(
      arch,
      scenario.precision,
      stagePlan,
      computeDevice(scenario.system.node.accelerator.chip).memoryCapacityBytes.value,
    );
    const kinds = layerKinds(arch);
    const count = (k: LayerKind) => Math.max(1, kinds.filter((x) => x === k).length);
    const c = m.weightsByComponent;
    const attention = (c.attention ?? 0) / arch.numLayers;
    const link = hostLinkFor(scenario.system, plan.offload.link);
    extra = {
      ...extra,
      bytesPerLayer: {
        none: attention,
        dense: attention + (c["dense-ffn"] ?? 0) / count("dense"),
        moe:
          attention +
          ((c["routed-experts"] ?? 0) + (c["shared-experts"] ?? 0) + (c.router ?? 0)) / count("moe"),
      },
      linkBytesPerS: link.bytesPerSPerAccelerator / plan.ranksPerChip,
      linkName: link.description,
    };
  }
  extras.set(ctx, extra);
  return extra;
}

function microbatchOf(batch: StepBatch, m: number): StepBatch {
  return batch.phase === "decode"
    ? {
        phase: "decode",
        sequences: batch.sequences / m,
        kvTokens: batch.kvTokens / m,
        ...(batch.paddingSequences !== undefined && { paddingSequences: batch.paddingSequences / m }),
      }
    : {
        phase: "prefill",
        sequences: batch.sequences / m,
        newTokens: batch.newTokens / m,
        attendedTokenPairs: batch.attendedTokenPairs / m,
      };
}

/**
 * The step of an instance (whole batch), including pipeline stages, offload and a draft model.
 * @example instanceStepTime(stepContext(scenario, plan), { phase: "decode", sequences: 256, kvTokens: 256 * 2048 }).pipeline?.bubbleFraction
 */
export function instanceStepTime(ctx: StepContext, batch: StepBatch): InstanceStep {
  const plan = ctx.plan;
  if (plan.pipeline === undefined && plan.offload === undefined && plan.mtp?.draft === undefined)
    return stepTime(ctx, batch);
  const extra = extraOf(ctx);
  const m = plan.pipeline?.microbatches ?? 1;
  const mb = microbatchOf(batch, m);
  const base = stepTime(extra.stage, mb);
  const offload = offloadTiming(ctx, extra, base, mb);
  // `base.layers` and `offload.perLayer` start with one entry per layer group, in `layerGroups` order.
  const groupOf = layerGroupIndex(ctx.scenario.model);
  const layerS = (index: number) => {
    const group = groupOf[index];
    if (group === undefined) return 0;
    const l = offload?.perLayer[group];
    if (l !== undefined) return Math.max(l.computeS, l.weightsTransferS + l.kvTransferS);
    return base.layers[group]?.timing.layerS ?? 0;
  };
  let draft: DraftStep | undefined;
  if (extra.draft !== undefined && plan.mtp !== undefined) {
    const passS = stepTime(extra.draft, mb).stepS;
    const passes = mb.phase === "decode" ? plan.mtp.draftTokens : 1;
    draft = { model: extra.draft.scenario.model.name, passes, passS, timeS: passes * passS };
  }
  const tail = base.headS + base.samplingS + base.mtpS + base.graphLaunchS + (draft?.timeS ?? 0);
  const layerCount = groupOf.length;
  const stageTime = (first: number, count: number, last: boolean) => {
    let t = count > 0 ? base.pipelineFillS : 0;
    for (let i = first; i < first + count; i++) t += layerS(i);
    return t + (last ? tail : 0);
  };
  const parts = {
    ...(offload !== undefined ? { offload } : {}),
    ...(draft !== undefined ? { draft } : {}),
  };
  const pp = plan.pipeline;
  if (pp === undefined) return { ...base, ...parts, stepS: stageTime(0, layerCount, true) };
  const stageTimesS = pp.layersPerStage.map((n, s) =>
    stageTime(pp.firstLayer[s] ?? 0, n, s === pp.stages - 1),
  );
  const pipeline = pipelineTiming(ctx, pp, extra.stage, stageTimesS, mb);
  return { ...base, ...parts, stepS: pipeline.cycleS, pipeline };
}

function offloadTiming(
  ctx: StepContext,
  extra: Extra,
  base: StepBreakdown,
  mb: StepBatch,
): OffloadStep | undefined {
  const offload = ctx.plan.offload;
  const bytesPerLayer = extra.bytesPerLayer;
  const linkBytesPerS = extra.linkBytesPerS;
  if (offload === undefined || bytesPerLayer === undefined || linkBytesPerS === undefined) return undefined;
  const { scenario } = ctx;
  const stagePlan = extra.stage.plan;
  const arch = scenario.model;
  const kvSplit =
    arch.attention.kind === "gqa" ? Math.min(stagePlan.attention.tp, arch.attention.numKvHeads) : 1;
  const kvPerTokenLayer =
    kvBytesPerTokenPerLayer(arch, scenario.precision.kvCache, scenario.precision.indexer) / kvSplit;
  const dp = stagePlan.attention.dp;
  // Decode reads the offloaded part of every sequence's KV; prefill writes the new tokens' share.
  const kvTokens = mb.phase === "decode" ? mb.kvTokens / dp : mb.newTokens / dp;
  const kvTransferS = (offload.kvCacheFraction * kvTokens * kvPerTokenLayer) / linkBytesPerS;
  const perLayer = base.layers
    .filter((l) => l.kind !== "mtp")
    .map((l) => {
      const kind = l.kind as LayerKind;
      const weightsTransferS = (offload.weightsFraction * bytesPerLayer[kind]) / linkBytesPerS;
      return { kind, computeS: l.timing.layerS, weightsTransferS, kvTransferS };
    });
  let exposedS = 0;
  perLayer.forEach((p, group) => {
    const count = base.layers[group]?.count ?? 0;
    exposedS += count * Math.max(0, p.weightsTransferS + p.kvTransferS - p.computeS);
  });
  return { link: extra.linkName ?? "", perLayer, exposedS };
}
