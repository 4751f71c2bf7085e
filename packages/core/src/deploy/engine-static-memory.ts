/**
 * The `staticMemoryFraction` section of a serving-engine release (data/engines/<name>.yaml): an
 * engine that sizes its KV pool without an activation run, as SGLang does — the pool is
 * `mem_fraction_static` × the device memory − the weights (model_runner `profile_max_num_token`),
 * the fraction from the launch (`--mem-fraction-static`, a scenario's `engine.memFractionStatic`) or,
 * when the launch leaves it out, from the release's default rule (server_args.py
 * `_handle_gpu_memory_settings`): reserved MiB for activations and graph buffers from the chunked
 * prefill size, the largest captured decode batch, the parallel size and DP attention, and the
 * fraction round((memory − reserved) / memory, 3).
 */
import { z } from "zod";
import { EVIDENCE_TAGS } from "../spec/index.ts";

const graphTierSchema = z.strictObject({
  /** The tier holds below this device memory (GiB); absent: every larger device. */
  memoryBelowGiB: z.number().positive().optional(),
  /** Only on these chip vendors' devices (SGLang's NPU tiers); absent: every vendor. */
  chipVendors: z.array(z.string()).min(1).optional(),
  /** cuda_graph_max_bs below TP 4 and from TP 4. */
  belowTp4: z.number().int().positive(),
  fromTp4: z.number().int().positive(),
});

export const staticMemoryFractionSchema = z.strictObject({
  /** The largest captured decode batch (cuda_graph_max_bs) by device memory, first matching tier. */
  graphMaxBatch: z.array(graphTierSchema).min(1),
  reservedMiB: z.strictObject({
    constant: z.number().nonnegative(),
    /** Per token of the chunked prefill size (the launch's, before SGLang divides it over DP ranks). */
    perPrefillToken: z.number().nonnegative(),
    minPrefillTokens: z.number().int().nonnegative(),
    perGraphBatch: z.number().nonnegative(),
    /** Per rank of tp × pp (SGLang: tp · pp / 8 × 1,024). */
    perParallelRank: z.number().nonnegative(),
    /** Under DP attention, per captured batch row per DP rank, and the extra above `aboveBatch`. */
    dpAttentionPerGraphBatchPerRank: z.number().nonnegative(),
    dpAttentionLargeGraph: z.strictObject({
      aboveBatch: z.number().int().positive(),
      perGraphBatchPerRank: z.number().nonnegative(),
    }),
    /** The reserve is at least `MiB` on a device above `aboveMemoryGiB`. */
    floor: z.strictObject({ aboveMemoryGiB: z.number().positive(), MiB: z.number().nonnegative() }),
    /** With a speculative draft (EAGLE / MTP). */
    speculativeDraft: z.number().nonnegative(),
  }),
  source: z.string(),
  tag: z.enum(EVIDENCE_TAGS),
  note: z.string().optional(),
});
export type StaticMemoryFractionRule = z.output<typeof staticMemoryFractionSchema>;

/** What SGLang's default fraction depends on, for one rank of an instance. */
export interface StaticMemoryWhere {
  /** The rank's device memory (bytes). */
  readonly deviceMemoryBytes: number;
  readonly chipVendor: string;
  /** SGLang's tp_size: the instance's ranks in one pipeline stage (attention TP × DP). */
  readonly tp: number;
  readonly pp: number;
  /** The attention-DP size (1: no DP attention). */
  readonly dpAttention: number;
  /** The chunked prefill size (the scheduler's token budget); undefined: none given. */
  readonly chunkedPrefillTokens: number | undefined;
  /** A speculative draft (MTP / EAGLE) runs. */
  readonly speculativeDraft: boolean;
}

const MIB = 2 ** 20;

/**
 * SGLang's default `mem_fraction_static` for a rank (server_args.py `_handle_gpu_memory_settings`).
 * @example defaultStaticMemoryFraction(rule, { deviceMemoryBytes: 143771 * 2 ** 20, chipVendor: "NVIDIA", tp: 8, pp: 1, dpAttention: 1, chunkedPrefillTokens: 8192, speculativeDraft: false }) // 0.897
 */
export function defaultStaticMemoryFraction(
  rule: StaticMemoryFractionRule,
  where: StaticMemoryWhere,
): number {
  const memoryMiB = where.deviceMemoryBytes / MIB;
  const gib = memoryMiB / 1024;
  const tier =
    rule.graphMaxBatch.find(
      (t) =>
        (t.chipVendors === undefined || t.chipVendors.includes(where.chipVendor)) &&
        (t.memoryBelowGiB === undefined || gib < t.memoryBelowGiB),
    ) ?? rule.graphMaxBatch[rule.graphMaxBatch.length - 1];
  const graphBatch = tier === undefined ? 0 : where.tp < 4 ? tier.belowTp4 : tier.fromTp4;
  const r = rule.reservedMiB;
  let reserved =
    r.constant +
    Math.max(where.chunkedPrefillTokens ?? 0, r.minPrefillTokens) * r.perPrefillToken +
    graphBatch * r.perGraphBatch +
    where.tp * where.pp * r.perParallelRank;
  if (where.dpAttention > 1) {
    reserved += graphBatch * where.dpAttention * r.dpAttentionPerGraphBatchPerRank;
    if (graphBatch > r.dpAttentionLargeGraph.aboveBatch)
      reserved += graphBatch * where.dpAttention * r.dpAttentionLargeGraph.perGraphBatchPerRank;
  }
  if (gib > r.floor.aboveMemoryGiB) reserved = Math.max(reserved, r.floor.MiB);
  if (where.speculativeDraft) reserved += r.speculativeDraft;
  return Math.round(((memoryMiB - reserved) / memoryMiB) * 1000) / 1000;
}

/**
 * The engine profile's `staticMemoryFractionFor`: the launch's fraction (`engine.memFractionStatic`)
 * or the release's default for the rank; nothing where the release records no rule.
 * @example staticMemoryFractionOf(undefined, undefined) // {}
 */
export function staticMemoryFractionOf(
  rule: StaticMemoryFractionRule | undefined,
  launched: number | undefined,
): { staticMemoryFractionFor?: (where: StaticMemoryWhere) => number } {
  if (rule === undefined) return {};
  return { staticMemoryFractionFor: (where) => launched ?? defaultStaticMemoryFraction(rule, where) };
}
