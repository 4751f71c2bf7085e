/**
 * The head of an inference step (step-model.ts): embedding, final norm, LM head and the sampling
 * pass, or the engine's own sampler where its release records one (perf/sampler-time.ts).
 */
import type { EngineSampler } from "../deploy/index.ts";
import { modelHeadOperators, type Operator } from "../model/index.ts";
import { lmHeadCollectives, lmHeadRowGroups } from "./lm-head-group.ts";
import { samplerTimeS } from "./sampler-time.ts";
import { type StepContext, sharedDevice } from "./step-context.ts";
import { type StepItem, timeOperator } from "./step-operators.ts";
import { scaleWorkload } from "./step-shard.ts";
import type { MicrobatchWork } from "./step-work.ts";

/** Head of the step: embedding, final norm, LM head, sampling — per DP group, whole batch, full device. */
export function headTiming(
  ctx: StepContext,
  work: MicrobatchWork,
): { readonly headItems: readonly StepItem[]; readonly headS: number; readonly samplingS: number } {
  const full = sharedDevice(ctx, 1);
  const headOps = modelHeadOperators(
    ctx.scenario.model,
    scaleWorkload(work.groupWorkload, work.microbatches),
    work.base,
  );
  const headItems: StepItem[] = [];
  for (const op of headOps) {
    headItems.push(timeOperator(op, full));
    // The LM head's own TP group gathers its rows before the GEMM and returns the logits after.
    if (op.name.endsWith("head.lm_head")) headItems.push(...lmHeadCollectives(ctx, op));
  }
  const sampler = engineSamplerItems(ctx, headOps, headItems, full);
  // A sampler timed with the rest of its call includes the final softmax: the step's softmax pass
  // is not counted again.
  const items =
    sampler === undefined
      ? headItems
      : [
          ...headItems.filter((i) => !(sampler.replacesSoftmax && i.name.endsWith("head.sampling"))),
          ...sampler.items,
        ];
  let headS = 0;
  let samplingS = 0;
  for (const item of items) {
    if (item.name.includes("sampling") || item.name.includes("sampler")) samplingS += item.timeS;
    else headS += item.timeS;
  }
  return { headItems: items, headS, samplingS };
}

/**
 * The engine's sampler with top-p (perf/sampler-time.ts) over the rows the step samples (the LM
 * head's, one per logit token) and the whole vocabulary: vLLM gathers the logits of every
 * vocabulary shard before sampling. Run after the forward pass on the same stream, so no overlap
 * scheduler hides it (those hide host work only). Counted at the memory bound's power level (the
 * sort keeps the SMs and L2 busy without the tensor cores; no power measurement of it). Preceded by
 * the penalty pass where the requests set penalties.
 */
function engineSamplerItems(
  ctx: StepContext,
  headOps: readonly Operator[],
  headItems: readonly StepItem[],
  full: ReturnType<typeof sharedDevice>,
): { readonly items: readonly StepItem[]; readonly replacesSoftmax: boolean } | undefined {
  const sampler = ctx.scenario.engine?.sampler;
  if (sampler === undefined) return undefined;
  // By name: the LM head group's collectives sit among the items, not among the operators.
  const softmax = headItems.find((i) => i.name.endsWith("head.sampling"));
  const softmaxOp = headOps.find((op) => op.name.endsWith("head.sampling"));
  if (softmax === undefined || softmaxOp === undefined) return undefined;
  // The rank samples its own rows (an LM head group of its own multiplies the gathered rows).
  const gathered = headOps.find((op) => op.name.endsWith("head.lm_head"))?.shape?.m ?? 0;
  const rows = Math.round(gathered / lmHeadRowGroups(ctx));
  const vocab = ctx.scenario.model.vocabSize;
  const chip = ctx.scenario.system.node.accelerator.chip;
  const fp32 = chip.peakFlopsPerS.fp32?.value;
  const t = samplerTimeS(sampler, rows, vocab, {
    id: chip.id,
    ...(fp32 !== undefined ? { fp32FlopsPerS: fp32 } : {}),
    bandwidthBytesPerS: chip.memory.bandwidthBytesPerS.value,
  });
  const timeS = t.topPS + t.restS;
  const item: StepItem = {
    name: `head.sampler.${sampler.kind}`,
    group: softmax.group,
    timeS,
    bound: "memory",
    flops: 0,
    bytes: 0,
    overheadS: 0,
    computeS: 0,
    memoryS: timeS,
    defaulted: [],
  };
  const p = sampler.penalties;
  return {
    items: p === undefined ? [item] : [penaltyItem(p, rows * vocab, softmaxOp.dtype, full), item],
    replacesSoftmax: sampler.rest !== undefined,
  };
}

/**
 * The engine's penalty pass (engine.penalties, data/engines/<name>.yaml `sampler.penalties`): vLLM's
 * V1 sampler builds int64 token counts over every row's whole vocabulary for the prompt and the
 * output, masks them, and applies the repetition, frequency and presence terms to the float32
 * logits, each step, in eager kernels on the step's stream. Timed as one memory-bound vector
 * operator of the chip (its bytes per logit and kernel count from the release's source).
 */
function penaltyItem(
  p: NonNullable<EngineSampler["penalties"]>,
  logits: number,
  dtype: Operator["dtype"],
  full: ReturnType<typeof sharedDevice>,
): StepItem {
  const bytes = logits * p.bytesPerLogit;
  const op: Operator = {
    name: "head.sampler.penalties",
    class: "vector",
    dtype,
    flops: 4 * logits,
    bytesRead: { weights: 0, activations: bytes / 2, kvCache: 0 },
    bytesWritten: { activations: bytes / 2, kvCache: 0 },
    kernels: p.kernels,
  };
  return timeOperator(op, full);
}
