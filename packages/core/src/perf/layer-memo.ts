/**
 * A layer's timing, memoised by the inputs it is a function of: its operators, its fabric items
 * (already timed), the device and efficiency profile its operators are timed on, and the microbatch
 * overlap (microbatches and stream profile) it is composed with. `composeLayer` of
 * `operatorItems(ops, fabric, share => sharedDevice(ctx, share))` reads nothing else, so two steps
 * that give a layer the same inputs get the same timing. A deployment search meets the same layer
 * many times: the dense layers of layouts that differ only in MoE TP or shared-expert placement,
 * the MoE layers (and the MTP module's) of layouts that differ only in dense-FFN TP when no rank
 * runs the shared expert fused. The key lists every field of the operators and items (checked at
 * compile time below), so it is exact; the timing is shared read-only. The memo keeps keys only
 * (`keysFirst`) until 1 in 100 of its lookups hit: a sweep over distinct operating points (every
 * layer lookup a miss) then holds no timings, which the collector would copy and promote.
 */
import type { AttentionShape, Operator, OperatorShape } from "../model/index.ts";
import { memoByObject, WordKey, WordMemo } from "../spec/index.ts";
import type { Device } from "./device.ts";
import type { EfficiencyProfile } from "./efficiency-profile.ts";
import { composeFusedDispatchCombine } from "./fused-dispatch-combine.ts";
import { composeSharedExpertStream } from "./shared-expert-stream.ts";
import { type StepContext, sharedDevice } from "./step-context.ts";
import { composeLayer, type LayerTiming, operatorItems } from "./step-layer.ts";
import type { StepItem } from "./step-operators.ts";

/** Timings kept per (device, profile) before the memo starts again (bounds its memory). */
const MAX_ENTRIES = 20_000;

const key = new WordKey();

/**
 * The timing of one layer of `ctx`'s plan: `ops` on the rank's shard and `fabric` items, composed
 * with the plan's microbatch overlap; memoised across steps and contexts on the same device and
 * efficiency profile.
 * @example layerTimingOf(ctx, ops, comm).layerS
 */
export function layerTimingOf(
  ctx: StepContext,
  ops: readonly Operator[],
  fabric: readonly StepItem[],
): LayerTiming {
  const overlap = ctx.plan.overlap;
  const sharedStream = overlap === undefined && ctx.plan.moe?.sharedExpertStream === true;
  const fused = overlap === undefined && ctx.plan.moe?.fusedDispatchCombine === true;
  key.reset();
  if (overlap === undefined) key.number(sharedStream ? -1 : fused ? -2 : 0);
  else key.number(overlap.microbatches).string(profileKey(overlap.profile));
  key.number(ops.length);
  for (const op of ops) operatorKey(op);
  key.number(fabric.length);
  for (const item of fabric) itemKey(item);
  const memo = timingsOf(ctx.device)(ctx.profile);
  if (memo.lookup(key)) return memo.found as LayerTiming;
  const items = operatorItems(ops, fabric, (share) => sharedDevice(ctx, share));
  if (sharedStream) return memo.store(composeSharedExpertStream(items));
  return memo.store(fused ? composeFusedDispatchCombine(items) : composeLayer(items, overlap));
}

/** Layer timings by device, then efficiency profile, then inputs. */
const timingsOf = memoByObject((_device: Device) =>
  memoByObject((_profile: EfficiencyProfile) => new WordMemo<LayerTiming>(MAX_ENTRIES, { keysFirst: true })),
);

/** A stream profile's fields as JSON, once per profile object. */
const profileKey = memoByObject((profile: object) => JSON.stringify(profile));

/** `true` when `Listed` names every field of `T`, else `false`. */
type AllListed<T, Listed extends keyof T> = [Exclude<keyof T, Listed>] extends [never] ? true : false;
type Checked<T extends true> = T;

/**
 * Fails to compile when an operator or item gains a field the key below does not list (two layers
 * that differ only in it would share a timing): list it there, then here.
 */
export type LayerKeyFieldsListed = [
  Checked<
    AllListed<
      Operator,
      | "name"
      | "class"
      | "dtype"
      | "flops"
      | "bytesRead"
      | "bytesWritten"
      | "shape"
      | "attention"
      | "weightOnlyElements"
      | "weightScheme"
      | "kernels"
      | "gridStrideWalk"
      | "groupWalk"
      | "chunkWalk"
    >
  >,
  Checked<AllListed<Operator["bytesRead"], "weights" | "activations" | "kvCache">>,
  Checked<AllListed<Operator["bytesWritten"], "activations" | "kvCache" | "weightGradients">>,
  Checked<
    AllListed<
      OperatorShape,
      "m" | "n" | "k" | "groups" | "routedRowsPerGroup" | "localGroups" | "opTokens" | "expertIntermediate"
    >
  >,
  Checked<
    AllListed<
      AttentionShape,
      | "queries"
      | "heads"
      | "qkHeadDim"
      | "vHeadDim"
      | "meanKeysPerQuery"
      | "causal"
      | "backward"
      | "queryTokensPerSequence"
      | "sparse"
      | "kvHeads"
      | "kvElementBytes"
      | "chunkMasked"
    >
  >,
  Checked<
    AllListed<
      StepItem,
      | "name"
      | "group"
      | "timeS"
      | "bound"
      | "flops"
      | "bytes"
      | "overheadS"
      | "computeS"
      | "memoryS"
      | "tensorS"
      | "defaulted"
    >
  >,
];

function operatorKey(op: Operator): void {
  key.string(op.name).string(op.class).string(op.dtype).number(op.flops).number(op.kernels);
  const r = op.bytesRead;
  const w = op.bytesWritten;
  key.number(r.weights).number(r.activations).number(r.kvCache);
  key.number(w.activations).number(w.kvCache).optional(w.weightGradients);
  const s = op.shape;
  if (s === undefined) key.number(0);
  else
    key
      .number(1)
      .number(s.m)
      .number(s.n)
      .number(s.k)
      .optional(s.groups)
      .optional(s.routedRowsPerGroup)
      .optional(s.localGroups)
      .optional(s.opTokens)
      .optional(s.expertIntermediate);
  key.optional(op.weightOnlyElements);
  key.string(op.weightScheme ?? "");
  key.optional(op.groupWalk);
  const g = op.gridStrideWalk;
  if (g === undefined) key.number(0);
  else key.number(1).number(g.items).number(g.launchedItems).number(g.blocksPerCore);
  const c = op.chunkWalk;
  if (c === undefined) key.number(0);
  else key.number(1).number(c.programs).number(c.steps);
  const a = op.attention;
  if (a === undefined) key.number(0);
  else
    key
      .number(1)
      .number(a.queries)
      .number(a.heads)
      .number(a.qkHeadDim)
      .number(a.vHeadDim)
      .number(a.meanKeysPerQuery)
      .number(a.causal ? 1 : 0)
      .number(a.backward === undefined ? 2 : a.backward ? 1 : 0)
      .number(a.queryTokensPerSequence ?? 0)
      .number(a.sparse === true ? 1 : 0)
      .optional(a.kvHeads)
      .optional(a.kvElementBytes)
      .number(a.chunkMasked === true ? 1 : 0);
}

function itemKey(item: StepItem): void {
  key.string(item.name).string(item.group).string(item.bound);
  key.number(item.timeS).number(item.flops).number(item.bytes);
  key.number(item.overheadS).number(item.computeS).number(item.memoryS).optional(item.tensorS);
  key.number(item.defaulted.length);
  for (const d of item.defaulted) key.string(d);
}
