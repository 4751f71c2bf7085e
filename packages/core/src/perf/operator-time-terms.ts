/**
 * The terms of an operator's time beside its roofline (operator-time.ts): a grouped GEMM's
 * per-group or per-tile cost, the K-serial floor of a GEMM that walks its reduction in one CTA, a
 * grid-stride loop's passes, a weight-only GEMM's dequantisation, and the compute / memory overlap.
 */
import type { AttentionShape, Operator } from "../model/index.ts";
import type { ClassProfile, EfficiencyProfile, ProfileValue } from "./efficiency-profile.ts";

/**
 * A grouped GEMM's fixed time beside its weight stream, per kernel; 0 where the profile gives none.
 * With a per-tile cost (`tileOverheadS`, Blackwell): a persistent grouped GEMM walks the (group × output
 * tile) work items over its cores and pays a tile's prologue and epilogue on each, so the kernel adds
 * tiles × cost ÷ cores, tiles = groups × ⌈rows per group / tileM⌉ × ⌈n / tileNMin⌉ — an expert with a
 * narrow slice or few columns costs fewer tiles, not a fixed time. Else a per-group cost (`groupOverheadS`).
 * @example groupOverheadTime(expertGemm128Groups1536Cols, blackwellGroupedGemm) // 128 × 12 tiles × 2.778 µs ÷ 148 ≈ 28.8 µs
 */
export function groupOverheadTime(op: Operator, cls: ClassProfile): number {
  if (op.class !== "grouped-gemm" || op.shape === undefined || op.shape.m <= 0) return 0;
  const groups = op.shape.groups ?? 1;
  const perTile = cls.tileOverheadS?.value;
  const cores = cls.cores?.value;
  const tileM = cls.tileM?.value;
  const tileN = cls.tileNMin?.value ?? cls.tileN?.value;
  if (perTile !== undefined && cores !== undefined && tileM !== undefined && tileN !== undefined) {
    const tiles = groups * Math.ceil(op.shape.m / tileM) * Math.ceil(op.shape.n / tileN);
    return (op.kernels * tiles * perTile) / cores;
  }
  const perGroup = cls.groupOverheadS;
  return perGroup === undefined ? 0 : op.kernels * groups * perGroup.value;
}

/**
 * The K-serial floor of a dense GEMM whose kernel walks the whole reduction in one CTA (no split-K:
 * block-scaled FP8, NVFP4): each wave of output tiles takes at least K × the scheme's time per
 * reduction element (the main loop's load-MMA-rescale latency per K block), whatever its bytes and
 * FLOPs. Binds at a few rows and few output tiles (one wave, K in the thousands); hidden behind the
 * roofline at many rows. 0 where the profile gives no value for the weights' scheme.
 * @example kSerialTime(fp8BlockGemm(m4, n1280, k4096), hopperGemm, 1) // 4,096 × 1.10 ns ≈ 4.5 µs
 */
export function kSerialTime(op: Operator, cls: ClassProfile, waves: number | undefined): number {
  if (op.class !== "gemm" || op.shape === undefined || op.weightScheme === undefined) return 0;
  const perElement = cls.kSerialSByScheme?.[op.weightScheme]?.value;
  if (perElement === undefined || op.shape.m <= 0) return 0;
  return (waves ?? 1) * op.shape.k * perElement;
}

/**
 * The chip's cores as its GEMM classes count them (the grouped class's, else the dense one's), for
 * the terms that spread blocks or programs over every core; undefined where the profile gives none.
 */
export function profileCores(profile: EfficiencyProfile): number | undefined {
  return profile.classes["grouped-gemm"].cores?.value ?? profile.classes.gemm.cores?.value;
}

/**
 * A grid-stride loop's passes beside the kernel's launch (`Operator.gridStrideWalk`): the kernel
 * launches min(blocksPerCore × cores, max(launchedItems, items)) blocks and each walks ⌈items ÷
 * blocks⌉ items one after another, a pass costing the class's gridStrideStepS. Cores: profileCores;
 * 0 where the profile gives no step time or no core count, and for a fused kernel (no launch of its
 * own: the loop runs in the kernel it is fused into, not timed).
 * @example gridStrideTime({ ...act, gridStrideWalk: { items: 128 * 64, launchedItems: 8, blocksPerCore: 8 } }, b200) // 7 × 0.42 µs
 */
export function gridStrideTime(op: Operator, profile: EfficiencyProfile): number {
  const walk = op.gridStrideWalk;
  const step = profile.classes[op.class].gridStrideStepS?.value;
  const cores = profileCores(profile);
  if (walk === undefined || step === undefined || cores === undefined || op.kernels <= 0 || walk.items <= 0)
    return 0;
  const blocks = Math.min(walk.blocksPerCore * cores, Math.max(walk.launchedItems, walk.items));
  return Math.ceil(walk.items / blocks) * step;
}

/**
 * A GQA decode-attention core run by a kernel with one thread block per (sequence × KV head) and a query
 * group of 2 … 32 heads (XQA's range; MHA and wider groups run other kernels): its sequences, KV heads
 * and group; undefined for any other core. Sequences with no cached context (only their own new tokens)
 * run no generation kernel: a mixed iteration's KV-dependent part is the decode step less the same step
 * at zero cache, which must carry neither term below. A core under a chunk mask is not one where the
 * class runs MMHA for the shapes its GQA kernel refuses (`fp8QueryHeadKeySmS` set: TensorRT-LLM on
 * Hopper, whose XQA refuses chunked attention: `queryHeadKeyFloor`); elsewhere (trtllm-gen on Blackwell,
 * FlashAttention) the GQA kernel applies the mask itself and keeps its terms.
 */
export function gqaGenerationGrid(
  op: Operator,
  cls: ClassProfile,
): { sequences: number; kvHeads: number; group: number } | undefined {
  const core = cachedDecodeCore(op);
  if (core === undefined) return undefined;
  const { a, kvHeads, group } = core;
  if (a.chunkMasked === true && cls.fp8QueryHeadKeySmS !== undefined) return undefined;
  if (group < 2 || group > 32) return undefined;
  return { sequences: a.queries / (a.queryTokensPerSequence ?? 1), kvHeads, group };
}

/**
 * A dense decode-attention core with cached keys to read (more keys per query than its own new tokens)
 * and KV heads: its attention shape, KV heads and query group; undefined for any other operator. What
 * every per-kernel decode term below (GQA kernels and MMHA alike) first asks of a core.
 */
function cachedDecodeCore(op: Operator): { a: AttentionShape; kvHeads: number; group: number } | undefined {
  const a = op.attention;
  if (op.class !== "attention-decode" || a === undefined || a.sparse === true) return undefined;
  if (!(a.meanKeysPerQuery > (a.queryTokensPerSequence ?? 1))) return undefined;
  const kvHeads = a.kvHeads;
  if (kvHeads === undefined || kvHeads <= 0) return undefined;
  return { a, kvHeads, group: a.heads / kvHeads };
}

/** A one-byte (FP8) cache's value where the profile gives one, else the 16-bit cache's. */
export function byCacheFormat(
  op: Operator,
  sixteenBit: ProfileValue | undefined,
  oneByte: ProfileValue | undefined,
): number | undefined {
  return (op.attention?.kvElementBytes ?? 2) <= 1 && oneByte !== undefined
    ? oneByte.value
    : sixteenBit?.value;
}

/**
 * The floor of a GQA decode-attention core whose kernel runs one thread block per (sequence × KV
 * head) — TensorRT-LLM's XQA on Hopper, its trtllm-gen generation kernels on Blackwell: each pair
 * costs the profile's SM time whatever its keys (Q load, one KV page walk, softmax and output), so
 * the core takes at least sequences × KV heads × that ÷ cores; the KV stream hides it at long
 * contexts, a 128-token window or a short context does not. 0 where the profile gives no value.
 * @example headSequenceFloor(gptOssWindowedCore1024Seqs, hopperTrtllmDecode, 132) // 1,024 × 8 × 4.32 µs ÷ 132 ≈ 268 µs
 */
export function headSequenceFloor(op: Operator, cls: ClassProfile, cores: number | undefined): number {
  const grid = gqaGenerationGrid(op, cls);
  if (grid === undefined || cores === undefined || cores <= 0) return 0;
  const perPair = byCacheFormat(op, cls.headSequenceSmS, cls.fp8HeadSequenceSmS);
  if (perPair === undefined) return 0;
  return (grid.sequences * grid.kvHeads * perPair) / cores;
}

/**
 * The floor of a decode core no per-(sequence × KV head) GQA kernel runs — MHA (one query head per KV
 * head), a query group above 32, or a chunk mask — which TensorRT-LLM on Hopper gives to its masked
 * multi-head attention kernel (MMHA: `enqueueGeneration` falls back to `fusedQKV_masked_attention_dispatch`
 * when `supportConfigQGMMA` / `supportConfigHMMA` refuse the shape or `chunked_attention_size`). MMHA's
 * grid is one block per query head and sequence, its dot products on CUDA cores, so every (query head ×
 * key) pair costs the profile's SM time: sequences × query heads × keys × that ÷ cores. The group's
 * blocks are adjacent in the grid and share their KV head through L2, so the KV stream is the model's.
 * 0 where the profile gives no value (only a one-byte cache is measured) or the core has no KV heads.
 * @example queryHeadKeyFloor(maverickChunkedCore, hopperTrtllmDecode, 132) // 87 × 40 × 5,120 × pair ÷ 132
 */
export function queryHeadKeyFloor(op: Operator, cls: ClassProfile, cores: number | undefined): number {
  const core = cachedDecodeCore(op);
  if (core === undefined || cores === undefined || cores <= 0) return 0;
  const { a, group } = core;
  if (a.chunkMasked !== true && group > 1 && group <= 32) return 0;
  const perPair = byCacheFormat(op, undefined, cls.fp8QueryHeadKeySmS);
  if (perPair === undefined) return 0;
  return (a.queries * a.heads * a.meanKeysPerQuery * perPair) / cores;
}

/**
 * The compute term of a GQA decode core whose kernel puts one KV head's query heads into the MMA's
 * narrow dimension padded to a tile (XQA: `ctaNbQHeads = roundUp(group, 8)` in the FP8 GMMA kernel,
 * `warpTile.y = roundUp(group, 16)` in the 16-bit HMMA one): every key costs the MMA of the padded
 * group, 4 × sequences × keys × KV heads × roundUp(group, tile) × head dim FLOPs, at the profile's
 * rate per SM × cores. 0 where the profile gives no tile or rate.
 * @example paddedGroupMmaTime(qwen3RankCore, hopperTrtllmDecode, 132) // group 16 of an 8-head tile: 16 heads' MMA
 */
export function paddedGroupMmaTime(op: Operator, cls: ClassProfile, cores: number | undefined): number {
  const grid = gqaGenerationGrid(op, cls);
  const a = op.attention;
  if (grid === undefined || a === undefined || cores === undefined || cores <= 0) return 0;
  const tile = byCacheFormat(op, cls.queryGroupTileHeads, cls.fp8QueryGroupTileHeads);
  const rate = byCacheFormat(op, cls.paddedGroupSmFlopsPerS, cls.fp8PaddedGroupSmFlopsPerS);
  if (tile === undefined || tile <= 0 || rate === undefined || rate <= 0) return 0;
  const paddedHeads = grid.kvHeads * Math.ceil(grid.group / tile) * tile;
  const flops = 2 * grid.sequences * a.meanKeysPerQuery * paddedHeads * (a.qkHeadDim + a.vHeadDim);
  return flops / (rate * cores);
}

/**
 * A chunk-walking kernel's serial part beside its roofline (`Operator.chunkWalk`): its programs run one
 * per core at a time, each walking its chunks in turn at the class's chunkStepS, so ⌈programs ÷ cores⌉
 * waves × steps × the step. Cores: profileCores; 0 where the profile gives no step time.
 * @example chunkWalkTime({ ...op, chunkWalk: { programs: 32, steps: 1024 } }, h100) // 1 × 1,024 × 1.174 µs
 */
export function chunkWalkTime(op: Operator, profile: EfficiencyProfile): number {
  const walk = op.chunkWalk;
  if (walk === undefined || walk.programs <= 0) return 0;
  const step = profile.classes[op.class].chunkStepS?.value;
  const cores = profileCores(profile);
  if (step === undefined || cores === undefined) return 0;
  return Math.ceil(walk.programs / cores) * walk.steps * step;
}

/**
 * A weight-only GEMM whose kernel converts its narrow weights to the math format in registers
 * (Hopper mixed-input, e.g. MXFP4 → BF16 in triton_kernels' matmul_ogs): the weight elements it
 * reads at the profile's conversion rate; 0 where the profile gives none or the GEMM is not weight-only.
 * @example dequantTime(mxfp4ExpertGemm, tritonHopperGroupedGemm) // 3.18e9 elements / 6.0e12 per s ≈ 530 µs
 */
export function dequantTime(op: Operator, cls: ClassProfile): number {
  const rate = cls.dequantElementsPerS?.value;
  const elements = op.weightOnlyElements;
  if (rate === undefined || rate <= 0 || elements === undefined) return 0;
  return elements / rate;
}

/**
 * Compute and memory terms combined: max when loads hide fully behind tensor-core work, else the
 * p-norm (compute^p + memory^p)^(1/p), which is ≥ max and approaches it when one term dominates.
 * @example overlappedRoof(1, 1, 2) // ≈ 1.414
 */
export function overlappedRoof(computeS: number, memoryS: number, exponent: number | undefined): number {
  const hi = Math.max(computeS, memoryS);
  if (exponent === undefined || !Number.isFinite(exponent) || hi <= 0) return hi;
  const lo = Math.min(computeS, memoryS);
  return hi * (1 + (lo / hi) ** exponent) ** (1 / exponent);
}
