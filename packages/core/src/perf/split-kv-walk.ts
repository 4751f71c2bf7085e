/**
 * The serial key walk of a split-KV GQA decode kernel that chooses its split count with
 * FlashAttention's heuristic (FlashAttention-3, vLLM's decode backend on Hopper): the kernel runs one
 * CTA per (m-block × split); with GQA packed per KV head (FA3's `should_pack_gqa`, always for varlen
 * queries) the m-blocks of a decode step are sequences × KV heads × ⌈query tokens × group ÷ kBlockM⌉.
 * A few m-blocks get many splits, yet the heuristic takes the *smallest* count within 85 % of the best
 * wave efficiency, so each CTA still walks ⌈key blocks ÷ splits⌉ key blocks one after another, and the
 * CTAs run in ⌈m-blocks × splits ÷ SMs⌉ waves. That walk adds to the kernel's fixed chain (Q load,
 * epilogue, combine: the class's `minKernelS`). Sources: FlashAttention `hopper/heuristics.h`
 * (`num_splits_heuristic`), `hopper/tile_size.h` (`tile_size_fwd_sm90`); docs/accuracy/
 * nvidia-decode-at-a-few-requests-across-tp-widths.md.
 */
import type { Operator } from "../model/index.ts";
import type { ClassProfile } from "./efficiency-profile.ts";
import { byCacheFormat, gqaGenerationGrid } from "./operator-time-terms.ts";

/** FA3's query tile (kBlockM) for head dims 65 … 256 (`tile_size_fwd_sm90`), in packed query rows. */
const FA3_BLOCK_M = 128;
/** The most splits FA3 considers when the caller passes none (`num_splits <= 0`). */
const FA3_MAX_SPLITS = 128;

/**
 * FlashAttention's split count for `mBlocks` m-blocks over `keyBlocks` key blocks on `sms` SMs:
 * one split when the m-blocks reach 0.8 × SMs or there are at most 4 key blocks (the L2-size
 * exception applies to non-causal prefill only); else the smallest count whose wave efficiency
 * n / ⌈n⌉ (n = m-blocks × splits ÷ SMs) is at least 0.85 × the best over 1 … min(128, SMs, key blocks).
 * @example flashSplitCount(8, 132, 29) // 14 (4 sequences × 2 KV heads, 4,608 keys in 160-key blocks)
 */
export function flashSplitCount(mBlocks: number, sms: number, keyBlocks: number): number {
  if (mBlocks >= 0.8 * sms || keyBlocks <= 4) return 1;
  const maxSplits = Math.min(FA3_MAX_SPLITS, sms, keyBlocks);
  const efficiency = (splits: number) => {
    const waves = (mBlocks * splits) / sms;
    return waves / Math.ceil(waves);
  };
  let best = 0;
  for (let s = 1; s <= maxSplits; s++) best = Math.max(best, efficiency(s));
  for (let s = 1; s <= maxSplits; s++) if (efficiency(s) >= 0.85 * best) return s;
  return 1;
}

/**
 * The walk a GQA decode core adds to its kernel's fixed chain (seconds): waves × ⌈key blocks ÷ splits⌉ ×
 * the class's time per block; 0 where the profile gives no key block or block time for the cache
 * format, or the core is not a GQA generation core.
 * @example splitKvWalkTime(llama70bTp4Core4Seqs4608Keys, vllmFa3Hopper, 132) // 1 wave × ⌈29 ÷ 14⌉ × 1.908 µs ≈ 5.7 µs
 */
export function splitKvWalkTime(op: Operator, cls: ClassProfile, cores: number | undefined): number {
  if (cls.splitKvBlockS === undefined && cls.fp8SplitKvBlockS === undefined) return 0;
  const grid = gqaGenerationGrid(op, cls);
  const a = op.attention;
  if (grid === undefined || a === undefined || cores === undefined || cores <= 0) return 0;
  const blockTokens = byCacheFormat(op, cls.splitKvKeyBlockTokens, cls.fp8SplitKvKeyBlockTokens);
  const blockS = byCacheFormat(op, cls.splitKvBlockS, cls.fp8SplitKvBlockS);
  if (blockTokens === undefined || blockTokens <= 0 || blockS === undefined) return 0;
  const queryRows = (a.queryTokensPerSequence ?? 1) * grid.group;
  const mBlocks = Math.ceil(grid.sequences * grid.kvHeads) * Math.ceil(queryRows / FA3_BLOCK_M);
  const keyBlocks = Math.ceil(a.meanKeysPerQuery / blockTokens);
  const splits = flashSplitCount(mBlocks, cores, keyBlocks);
  const waves = Math.ceil((mBlocks * splits) / cores);
  return waves * Math.ceil(keyBlocks / splits) * blockS;
}
