/**
 * Shape-dependent prefill-attention efficiency (FlashAttention-style kernels). A kernel gives each
 * SM one query tile of one head at a time and streams the keys past it; per tile it pays a fixed
 * cost (load Q, write O, fill and drain the pipeline) that a longer key stream amortises, and under
 * a causal mask it computes the diagonal tiles whole although half of them is masked:
 *
 *   efficiency = ceiling(headDim) × keys / (keys + keyOverhead + (causal ? causalWastedKeys : 0))
 *   keys       = mean keys attended per query (pairs / queries)
 *   ceiling    = the format's ceiling at head dim 128, scaled by the head-dim points (64, 256) the
 *                profile gives (BF16 ceilings, so relative to the BF16 ceiling at 128): linear in the
 *                mean head dim (qk + v) / 2, flat outside
 *
 * The training backward kernel (dQ, dK, dV; `shape.backward`) has its own ceiling, the forward's ×
 * backwardCeilingRatio, and its own per-tile cost, backwardKeyOverheadTokens (it re-reads Q, O, dO
 * and the softmax statistics and writes dQ, dK and dV per tile): FlashAttention-3's backward peaks at
 * 561 TFLOPS on H100 against 648 forward (head dim 128, 16K keys) and falls further at short keys.
 *
 * The forward's softmax takes one exponential per query, key and head on the SMs' exponential units,
 * whose rate did not grow with the tensor cores (Blackwell: 16 per clock per SM against 8,192 BF16
 * FLOPs; FlashAttention-4): where the profile gives the rate (`softmaxExpPerBf16Flop`, with the share
 * a kernel sustains, `softmaxExpEfficiency`) the ceiling is at most
 *
 *   expCeiling = rate × e × 2 (d_qk + d_v) × peak(bf16) / peak(format)
 *
 * (the core's FLOPs per exponential over the format's FLOPs per exponential at the peak), which binds
 * for short heads and one-byte formats (head dim 64 in BF16 on Blackwell: 0.41 of the peak; 128: 0.82,
 * the tensor ceiling binds). The backward's exponentials (P recomputed once per pair) meet 2.5× the
 * FLOPs and are not modelled.
 *
 * Decode attention (`attentionDecodeEfficiency`) keeps the ceiling and the per-tile cost only.
 *
 * Parameters a profile does not give are not modelled (factor 1).
 */
import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import type { AttentionShape } from "../model/index.ts";
import type { ClassProfile } from "./efficiency-profile.ts";

export interface AttentionEfficiencyFactors {
  /** The format's ceiling at head dim 128. */
  readonly ceiling: number;
  /** Ceiling at this head dim over the head-dim-128 ceiling (1 when not modelled). */
  readonly headDimFactor: number;
  /** keys / (keys + keyOverhead + causal waste) (1 when not modelled). */
  readonly amortisation: number;
  /** The exponential units' cap on the ceiling (Infinity when not modelled). */
  readonly expCeiling: number;
  /** min(ceiling × headDimFactor, expCeiling) × amortisation. */
  readonly efficiency: number;
}

const REFERENCE_HEAD_DIM = 128;

/**
 * Efficiency of a prefill-attention core of `shape` at ceiling `ceiling` (the format's);
 * `bf16OverFormatPeak` is the chip's BF16 tensor peak over the format's (1 for BF16, 0.5 for FP8).
 * @example attentionPrefillEfficiency({ queries: 4096, heads: 16, qkHeadDim: 128, vHeadDim: 128, meanKeysPerQuery: 2048.5, causal: true }, 0.663, h800Prefill).efficiency // ≈ 0.59
 */
export function attentionPrefillEfficiency(
  shape: AttentionShape,
  ceiling: number,
  cls: ClassProfile,
  bf16OverFormatPeak = 1,
): AttentionEfficiencyFactors {
  const bf16Ceiling = cls.computeEfficiency.bf16?.value ?? ceiling;
  const headDimFactor = headDimCeilingRatio((shape.qkHeadDim + shape.vHeadDim) / 2, bf16Ceiling, cls);
  const backward = shape.backward === true;
  const passCeiling = backward ? ceiling * (cls.backwardCeilingRatio?.value ?? 1) : ceiling;
  const tileKeys = backward
    ? (cls.backwardKeyOverheadTokens ?? cls.keyOverheadTokens)?.value
    : cls.keyOverheadTokens?.value;
  const keys = shape.meanKeysPerQuery;
  const overhead = (tileKeys ?? 0) + (shape.causal ? (cls.causalWastedKeys?.value ?? 0) : 0);
  const amortisation = keys > 0 && overhead > 0 ? keys / (keys + overhead) : 1;
  const expCeiling = backward ? Infinity : softmaxExpCeiling(shape, cls, bf16OverFormatPeak);
  return {
    ceiling: passCeiling,
    headDimFactor,
    amortisation,
    expCeiling,
    efficiency: Math.min(passCeiling * headDimFactor, expCeiling) * amortisation,
  };
}

/**
 * The softmax's exponential roof as a fraction of the format's peak (Infinity without the profile's
 * rate): rate × e × 2 (d_qk + d_v) × peak(bf16) / peak(format).
 * @example softmaxExpCeiling({ ...shape, qkHeadDim: 64, vHeadDim: 64 }, blackwellPrefill, 1) // ≈ 0.41
 */
function softmaxExpCeiling(shape: AttentionShape, cls: ClassProfile, bf16OverFormatPeak: number): number {
  const rate = cls.softmaxExpPerBf16Flop?.value;
  if (rate === undefined || rate <= 0) return Infinity;
  const sustained = cls.softmaxExpEfficiency?.value ?? 1;
  return rate * sustained * 2 * (shape.qkHeadDim + shape.vHeadDim) * bf16OverFormatPeak;
}

/**
 * Efficiency of a decode-attention core (split-KV kernels: FlashMLA, FA3's MLA path): each sequence
 * pays a fixed cost (its split scheduling, Q load, partial outputs and their combine) that its KV
 * stream amortises, as extra keys per sequence shared by the sequence's query tokens (1 + MTP drafts):
 * ceiling × keys / (keys + keyOverheadTokens / queryTokensPerSequence). A one-byte format (FP8
 * queries and cache) streams keys faster against a similar fixed cost, so it takes
 * `fp8KeyOverheadTokens` where the profile gives one. Absent `keyOverheadTokens`: the ceiling.
 * @example attentionDecodeEfficiency({ queries: 128, heads: 128, qkHeadDim: 576, vHeadDim: 512, meanKeysPerQuery: 2048, causal: false }, 0.667, h800Decode).efficiency // ≈ 0.49
 */
export function attentionDecodeEfficiency(
  shape: AttentionShape,
  ceiling: number,
  cls: ClassProfile,
  dtype: Dtype = "bf16",
): AttentionEfficiencyFactors {
  const keys = shape.meanKeysPerQuery;
  const perSequence =
    DTYPE_BYTES[dtype] <= 1 && cls.fp8KeyOverheadTokens !== undefined
      ? cls.fp8KeyOverheadTokens
      : cls.keyOverheadTokens;
  const overhead = (perSequence?.value ?? 0) / (shape.queryTokensPerSequence ?? 1);
  const amortisation = keys > 0 && overhead > 0 ? keys / (keys + overhead) : 1;
  return {
    ceiling,
    headDimFactor: 1,
    amortisation,
    expCeiling: Infinity,
    efficiency: ceiling * amortisation,
  };
}

/** Ceiling at `headDim` relative to the ceiling at 128, from the profile's points at 64 and 256. */
function headDimCeilingRatio(headDim: number, ceiling128: number, cls: ClassProfile): number {
  const low = cls.headDim64Ceiling?.value;
  const high = cls.headDim256Ceiling?.value;
  if (ceiling128 <= 0) return 1;
  let at: number;
  if (headDim <= REFERENCE_HEAD_DIM) {
    if (low === undefined) return 1;
    const t = Math.max(0, (headDim - 64) / (REFERENCE_HEAD_DIM - 64));
    at = low + (ceiling128 - low) * t;
  } else {
    if (high === undefined) return 1;
    const t = Math.min(1, (headDim - REFERENCE_HEAD_DIM) / (256 - REFERENCE_HEAD_DIM));
    at = ceiling128 + (high - ceiling128) * t;
  }
  return at / ceiling128;
}
