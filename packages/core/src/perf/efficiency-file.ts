/**
 * The schema of an efficiency data file (`packages/core/data/efficiency/<chip>.yaml`): per operator
 * class, the fraction of peak an operator reaches, with sources. Units are in the field names
 * (`launchOverheadUs`, `vectorPeakTflops`); the loader converts them to SI once. Reading a file and
 * checking its source keys: `efficiency-file-read.ts`.
 */
import { z } from "zod";
import { DTYPES } from "../hardware/index.ts";
import { QUANT_SCHEMES } from "../model/index.ts";
import { keyedSourcedValueSchema } from "../spec/index.ts";

/** `{value, source, tag, note}`: `source` names one or more keys of the file's `sources:` block. */
export const sourcedValueSchema = keyedSourcedValueSchema(z.number().finite().nonnegative());

export type SourcedValueFile = z.output<typeof sourcedValueSchema>;

export const fractionSchema = sourcedValueSchema.refine((v) => v.value > 0 && v.value <= 1, {
  message: "an efficiency is a fraction of peak in (0, 1]",
  path: ["value"],
});

const positiveSchema = sourcedValueSchema.refine((v) => v.value > 0, {
  message: "expected a positive number",
  path: ["value"],
});

const dtypeFractions = z
  .object(Object.fromEntries(DTYPES.map((dtype) => [dtype, fractionSchema.optional()])))
  .strict();

const dtypeValues = z
  .object(Object.fromEntries(DTYPES.map((dtype) => [dtype, sourcedValueSchema.optional()])))
  .strict();

const schemeValues = z
  .object(Object.fromEntries(QUANT_SCHEMES.map((scheme) => [scheme, sourcedValueSchema.optional()])))
  .strict();

/** Efficiencies of one operator class. Shape parameters apply to GEMM and prefill-attention classes only. */
export const classEfficiencySchema = z
  .object({
    /** Ceiling fraction of the tensor-engine peak, per format (GEMMs: for full tiles and K → ∞). */
    computeEfficiency: dtypeFractions.optional(),
    /** Fraction of HBM bandwidth a memory-bound kernel of this class sustains. */
    memoryEfficiency: fractionSchema.optional(),
    /** Fixed cost per kernel launch or dispatch, in microseconds. */
    launchOverheadUs: sourcedValueSchema.optional(),
    /** GEMM output tile (rows × columns) one core computes at a time. */
    tileM: positiveSchema.optional(),
    tileN: positiveSchema.optional(),
    /**
     * Kernels that choose their tile per shape (DeepGEMM): tileN is the largest column tile, tried
     * from tileNMin in steps of tileNStep; tileMSmall replaces tileM when the rows fit in it. The
     * choice is the kernel's: fewest waves, then the fullest last wave, then the wider tile.
     */
    tileMSmall: positiveSchema.optional(),
    /**
     * Kernels that size the row tile from the rows per group (Triton's matmul_ogs: the next power of
     * two of the tokens per expert): the row tile is that power of two, at least this value and at
     * most tileM.
     */
    tileMPow2Min: positiveSchema.optional(),
    /**
     * 1: a tileMPow2Min kernel sizes its row tile from every routed pair it is given over the rank's
     * experts (`OperatorShape.routedRowsPerGroup`, EP > 1), not from the rows an expert receives.
     */
    tileMFromRoutedRows: sourcedValueSchema.optional(),
    /**
     * Grouped GEMMs over a contiguous layout sized for the worst case (vLLM's DeepGEMM MoE,
     * `compute_aligned_M`): the kernel computes round_up(pairs + localGroups × (A − 1), A) rows in
     * blocks of A, padding included (perf/contiguous-layout.ts).
     */
    contiguousAlignRows: positiveSchema.optional(),
    /**
     * 1: the kernel takes its row tile (BLOCK_SIZE_M) from the engine's fused-MoE kernel configs — the
     * tuned file it ships for the op's shape at the scenario's release, else its default rule
     * (perf/fused-moe-row-tile.ts; data/efficiency/kernel-configs/<engine>-fused-moe.yaml). Engine
     * overlays only; tileM stays the row tile of ops that carry no fused-MoE key.
     */
    tileMFromKernelConfigs: sourcedValueSchema.optional(),
    tileNMin: positiveSchema.optional(),
    tileNStep: positiveSchema.optional(),
    /**
     * 1: the library times its candidate tiles and keeps the fastest (an autotuner), modelled as the
     * least padded work per core (waves × tile area); absent or 0: DeepGEMM's fewest-waves rule.
     */
    tileChoiceByWork: sourcedValueSchema.optional(),
    /** Matrix cores (SMs, AI Cube cores) that tiles are spread over, per device. */
    cores: positiveSchema.optional(),
    /** Per-tile fixed cost expressed as extra reduction length: efficiency × K / (K + kOverhead). */
    kOverheadElements: sourcedValueSchema.optional(),
    /**
     * Per-format replacement of kOverheadElements, for a format another kernel library runs (BF16 on
     * Hopper: cuBLAS, where kOverheadElements is DeepGEMM's FP8 cost). Absent formats use kOverheadElements.
     */
    kOverheadElementsByDtype: dtypeValues.optional(),
    /**
     * Dense GEMMs whose kernel walks the whole reduction in one CTA (no split-K; block-scaled FP8,
     * NVFP4), per weight scheme: nanoseconds per reduction element of that walk, a floor under the
     * roofline at few rows (each wave of output tiles takes at least K × this). Absent: not modelled.
     */
    kSerialNsByScheme: schemeValues.optional(),
    /**
     * Grouped GEMMs (MoE experts): fixed time per group with rows (an expert with tokens) per kernel,
     * in microseconds, beside the weight stream: what a few-token expert costs beyond its bytes.
     */
    groupOverheadUs: sourcedValueSchema.optional(),
    /**
     * Grouped GEMMs (MoE experts): fixed time per output tile (tileM rows × tileNMin columns of a group
     * with rows), in microseconds, paid by the core that runs the tile: a persistent kernel spreads the
     * tiles of every group over `cores`, so a kernel adds tiles × this ÷ cores beside its weight stream.
     * Replaces groupOverheadUs where both are given.
     */
    tileOverheadUs: sourcedValueSchema.optional(),
    /**
     * Vector kernels with a grid-stride loop over more work items than they launch blocks for
     * (`Operator.gridStrideWalk`): the time of one pass of a block through its loop, in microseconds
     * (each pass waits on its global-memory reads). Absent: not modelled.
     */
    gridStrideStepUs: sourcedValueSchema.optional(),
    /**
     * Grouped GEMMs whose scheduler walks every group's offsets in turn (`Operator.groupWalk`): the
     * time per group walked, per kernel, in microseconds. Absent: not modelled.
     */
    groupWalkStepUs: sourcedValueSchema.optional(),
    /**
     * Kernels whose programs walk a sequence's chunks one after another (`Operator.chunkWalk`, FLA's
     * chunked gated-delta-rule state kernel): the time per chunk step of one program, in
     * microseconds. Absent: not modelled.
     */
    chunkStepUs: sourcedValueSchema.optional(),
    /**
     * A kernel's own minimum duration, in microseconds, whatever its bytes and FLOPs (decode attention:
     * a split-KV kernel's dependent chain of Q load, one KV tile, softmax, partial output and combine
     * at a few keys): the roofline is floored at it; the launch is charged beside it. Absent: no floor.
     */
    minKernelUs: sourcedValueSchema.optional(),
    /**
     * GQA decode attention whose kernel runs one thread block per (sequence × KV head) (TensorRT-LLM's
     * XQA on Hopper, its trtllm-gen kernels on Blackwell): the SM time each pair costs whatever its
     * keys, in microseconds of one SM, for a 16-bit cache; the core takes at least
     * sequences × KV heads × this ÷ cores (a floor beside the KV stream, not added to it).
     * Absent: not modelled.
     */
    headSequenceSmUs: sourcedValueSchema.optional(),
    /** The same for a one-byte (FP8) cache, which runs another kernel; absent: headSequenceSmUs. */
    fp8HeadSequenceSmUs: sourcedValueSchema.optional(),
    /**
     * Decode attention a GQA kernel of one block per (sequence × KV head) cannot run — MHA, a query
     * group above 32, or a chunk mask (TensorRT-LLM on Hopper then runs MMHA, one block per query head
     * and sequence, dot products on CUDA cores): the SM time of one (query head × key) pair with a
     * one-byte (FP8) cache, in nanoseconds; the core takes at least sequences × query heads × keys ×
     * this ÷ cores (a floor beside the KV stream). Absent: not modelled.
     */
    fp8QueryHeadKeySmNs: sourcedValueSchema.optional(),
    /**
     * GQA decode kernels that put one KV head's query heads into the MMA's narrow dimension padded to
     * a tile (XQA: 16 rows for a 16-bit cache, 8 for FP8): the tile, in query heads. With
     * paddedGroupSmGflops the kernel's compute term is the padded MMA work. Absent: not modelled.
     */
    queryGroupTileHeads: positiveSchema.optional(),
    /** The same for a one-byte (FP8) cache, which runs another kernel; absent: queryGroupTileHeads. */
    fp8QueryGroupTileHeads: positiveSchema.optional(),
    /**
     * The rate of that padded MMA work (4 × sequences × keys × KV heads × padded group × head dim
     * FLOPs) on one SM, in GFLOPS, for a 16-bit cache; the core's compute term is at least that work
     * ÷ (this × cores). Absent: not modelled.
     */
    paddedGroupSmGflops: positiveSchema.optional(),
    /** The same for a one-byte (FP8) cache; absent: paddedGroupSmGflops. */
    fp8PaddedGroupSmGflops: positiveSchema.optional(),
    /**
     * Split-KV GQA decode kernels that choose their split count with FlashAttention's heuristic
     * (FlashAttention-3 under vLLM on Hopper; split-kv-walk.ts): the keys one CTA step covers (the
     * kernel's kBlockN), for a 16-bit cache. With splitKvBlockUs the core takes at least its
     * minimum duration plus waves × ⌈key blocks ÷ splits⌉ × that time. Absent: not modelled.
     */
    splitKvKeyBlockTokens: positiveSchema.optional(),
    /** The same for a one-byte (FP8) cache; absent: splitKvKeyBlockTokens. */
    fp8SplitKvKeyBlockTokens: positiveSchema.optional(),
    /** The time of one CTA's step over one key block of that kernel, in microseconds (16-bit cache). */
    splitKvBlockUs: sourcedValueSchema.optional(),
    /** The same for a one-byte (FP8) cache; absent: splitKvBlockUs. */
    fp8SplitKvBlockUs: sourcedValueSchema.optional(),
    /**
     * Weight-only GEMMs whose kernel converts the narrow weights to the math format in registers
     * (Hopper mixed-input): weight elements converted per second, in billions; the weights reach the
     * tensor cores at the slower of this and the HBM stream. Absent: not modelled.
     */
    dequantGElementsPerS: sourcedValueSchema.optional(),
    /**
     * Imperfect overlap of operand loading and tensor-core work near the ridge point: the
     * roofline max(compute, memory) becomes (compute^p + memory^p)^(1/p). Absent: perfect overlap.
     */
    overlapExponent: sourcedValueSchema.optional(),
    /**
     * Prefill attention (FlashAttention-style kernels): the fixed cost per query tile (load Q,
     * write O, pipeline fill) as extra keys per query, efficiency × keys / (keys + keyOverhead).
     * Decode attention (split-KV kernels): a fixed cost per sequence (split scheduling, Q load, the
     * partial outputs and their combine) as extra keys per sequence, shared by its query tokens.
     */
    keyOverheadTokens: sourcedValueSchema.optional(),
    /**
     * Decode attention in a one-byte format (FP8 queries, cache and math): its own per-sequence cost
     * in keys, which a faster key stream amortises more slowly. Absent: keyOverheadTokens.
     */
    fp8KeyOverheadTokens: sourcedValueSchema.optional(),
    /** Keys per query computed but masked on the causal diagonal (half the query tile's rows). */
    causalWastedKeys: sourcedValueSchema.optional(),
    /**
     * Ceilings at mean head dim 64 and 256 (computeEfficiency is the ceiling at head dim 128, the
     * format's); linear in between, flat outside. Mean head dim = (qk + v) / 2.
     */
    headDim64Ceiling: fractionSchema.optional(),
    headDim256Ceiling: fractionSchema.optional(),
    /**
     * Prefill attention: the softmax's exponentials per dense BF16 tensor FLOP of the chip (its
     * exponential units' rate per clock per SM over its BF16 tensor FLOPs per clock per SM; one
     * exponential per query, key and head). With softmaxExpEfficiency it caps the core at
     * e × rate × 2 (d_qk + d_v) FLOPs per exponential. Absent: not modelled.
     */
    softmaxExpPerBf16Flop: sourcedValueSchema.optional(),
    /** Fraction of the exponential rate a prefill-attention kernel sustains (with softmaxExpPerBf16Flop). */
    softmaxExpEfficiency: sourcedValueSchema.optional(),
    /**
     * Decode attention over keys gathered by index (DeepSeek Sparse Attention's top-k; FlashMLA's
     * sparse decode kernel with its FP8 cache dequantised to BF16): the kernel's own ceiling,
     * replacing computeEfficiency for such cores. Absent: the dense ceiling.
     */
    sparseDecodeCeiling: fractionSchema.optional(),
    /**
     * Training backward of prefill attention (dQ, dK, dV): its ceiling as a fraction of the forward
     * ceiling at the same head dim, and its own per-tile fixed cost in keys (else keyOverheadTokens).
     */
    backwardCeilingRatio: fractionSchema.optional(),
    backwardKeyOverheadTokens: sourcedValueSchema.optional(),
    /** Vector-unit peak per device (vector and embedding classes), in TFLOP/s. */
    vectorPeakTflops: positiveSchema.optional(),
    /** Vector-unit peak as a fraction of the device's BF16 tensor peak, when no absolute figure is known. */
    vectorPeakFractionOfBf16: fractionSchema.optional(),
  })
  .strict();

export type ClassEfficiencyFile = z.output<typeof classEfficiencySchema>;

/** One entry of a file's `sources:` block. */
export const sourceEntrySchema = z
  .object({ title: z.string().min(1), url: z.string().min(1), section: z.string().optional() })
  .strict();

export const efficiencyFileSchema = z
  .object({
    /** Catalog chip id this file describes, or `default`. */
    chip: z.string().min(1),
    description: z.string().min(1),
    /** Inherit every class from another chip's file (e.g. H100 from H800: same silicon). */
    extends: z
      .object({ chip: z.string().min(1), note: z.string().min(1) })
      .strict()
      .optional(),
    sources: z.record(z.string(), sourceEntrySchema),
    classes: z
      .object({
        gemm: classEfficiencySchema.optional(),
        "grouped-gemm": classEfficiencySchema.optional(),
        "attention-prefill": classEfficiencySchema.optional(),
        "attention-decode": classEfficiencySchema.optional(),
        vector: classEfficiencySchema.optional(),
        embedding: classEfficiencySchema.optional(),
      })
      .strict(),
  })
  .strict();

export type EfficiencyFile = z.output<typeof efficiencyFileSchema>;
