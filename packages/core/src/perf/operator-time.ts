/**
 * Operator time on one device: roofline × measured efficiency, plus launch overhead.
 *
 *   timeS = max(flops / (peak[dtype] × computeEff), bytes / (hbmBandwidth × memoryEff)) + kernels × launchOverheadS
 *
 * (the roofline floored by the class's minKernelS where the profile gives one: decode attention).
 *
 * Tensor classes (GEMMs, attention) use the tensor-engine peak of the operator's format; vector
 * and embedding operators use the vector-unit peak. GEMM and prefill-attention compute efficiency
 * depend on shape (see `gemm-efficiency.ts`, `attention-efficiency.ts`). Bytes are what the operator says it reads and writes (the model layer owns
 * storage formats); a dtype mapping changes the engine rate only.
 */
import type { Dtype } from "../hardware/index.ts";
import type { Operator } from "../model/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { attentionDecodeEfficiency, attentionPrefillEfficiency } from "./attention-efficiency.ts";
import { type Device, supportedDtypes } from "./device.ts";
import type { ClassProfile, EfficiencyProfile, ProfileValue } from "./efficiency-profile.ts";
import { gemmEfficiency } from "./gemm-efficiency.ts";

export type OperatorBound = "compute" | "memory" | "overhead";

export interface OperatorTiming {
  readonly timeS: number;
  readonly computeS: number;
  readonly memoryS: number;
  readonly overheadS: number;
  readonly bound: OperatorBound;
  /** Fraction of the peak used for the compute term (shape factors included). */
  readonly computeEfficiency: number;
  readonly memoryEfficiency: number;
  /** True where any value used came from the documented default profile. */
  readonly defaulted: boolean;
  /** Which profile values were defaulted, e.g. `["gemm.computeEfficiency.bf16"]`. */
  readonly defaultedParameters: readonly string[];
  /** Format the operator was timed in (after any mapping). */
  readonly dtype: Dtype;
  /** The operator's own format when a `dtypeMapping` replaced it. */
  readonly mappedFrom?: Dtype;
}

export interface OperatorTimeOptions {
  /** Run unsupported formats as another one, e.g. `{ fp8: "int8" }` on the Ascend 910C. */
  readonly dtypeMapping?: Readonly<Partial<Record<Dtype, Dtype>>>;
}

/**
 * Time of one operator on one device.
 * @example
 * const t = operatorTime(op, computeDevice(chip), efficiencyProfile(chip.id));
 * t.timeS; t.bound; // e.g. 1.6e-3, "compute"
 */
export function operatorTime(
  op: Operator,
  device: Device,
  profile: EfficiencyProfile,
  options: OperatorTimeOptions = {},
): OperatorTiming {
  const cls = profile.classes[op.class];
  const dtype = options.dtypeMapping?.[op.dtype] ?? op.dtype;
  // The profile values used beyond memory efficiency and launch overhead (a ceiling or the vector peak).
  let own: ProfileValue;
  let peak: number;
  let computeEfficiency: number;
  let serialS = 0;
  switch (op.class) {
    case "gemm":
    case "grouped-gemm":
    case "attention-prefill":
    case "attention-decode": {
      peak = tensorPeak(device, dtype, op);
      const ceiling = cls.computeEfficiency[dtype];
      if (ceiling === undefined)
        throw new Error(`profile ${profile.chipId} lacks ${op.class}.computeEfficiency.${dtype}`);
      own = ceiling;
      if ((op.class === "gemm" || op.class === "grouped-gemm") && op.shape !== undefined) {
        const factors = gemmEfficiency(op.shape, ceiling.value, cls, dtype);
        computeEfficiency = factors.efficiency;
        serialS = kSerialTime(op, cls, factors.waves);
      } else computeEfficiency = shapedEfficiency(op, ceiling.value, cls, dtype, bf16OverPeak(device, peak));
      break;
    }
    case "vector":
    case "embedding": {
      const vectorPeak = vectorPeakFlopsPerS(cls, device);
      own = vectorPeak.source;
      peak = vectorPeak.value;
      computeEfficiency = 1;
      break;
    }
    default:
      return assertNever(op.class);
  }
  const bytes = operatorBytes(op);
  const memoryEfficiency = cls.memoryEfficiency.value;
  const computeS = op.flops > 0 ? op.flops / (peak * computeEfficiency) : 0;
  const streamS = bytes > 0 ? bytes / (device.memoryBandwidthBytesPerS.value * memoryEfficiency) : 0;
  // A grouped GEMM's per-group cost sits beside its weight stream (hidden when compute-bound).
  const weightsS = Math.max(streamS, dequantTime(op, cls));
  const memoryS = weightsS > 0 ? weightsS + groupOverheadTime(op, cls) : 0;
  const walkS = op.kernels * (op.groupWalk ?? 0) * (cls.groupWalkStepS?.value ?? 0);
  const overheadS = op.kernels * cls.launchOverheadS.value + gridStrideTime(op, profile) + walkS;
  // A kernel's own minimum duration (decode attention at a few keys) floors the roofline, once per op.
  const floorS = op.kernels > 0 ? (cls.minKernelS?.value ?? 0) : 0;
  const workS = Math.max(overlappedRoof(computeS, memoryS, cls.overlapExponent?.value), serialS);
  const roofS = Math.max(workS, floorS);
  const latencyBound = overheadS > roofS || floorS > workS;
  const bound: OperatorBound = latencyBound ? "overhead" : computeS >= memoryS ? "compute" : "memory";
  const defaultedParameters = defaultedOf(cls.memoryEfficiency, cls.launchOverheadS, own);
  const timing: OperatorTiming = {
    timeS: roofS + overheadS,
    computeS,
    memoryS,
    overheadS,
    bound,
    computeEfficiency,
    memoryEfficiency,
    defaulted: defaultedParameters.length > 0,
    defaultedParameters,
    dtype,
  };
  return dtype === op.dtype ? timing : { ...timing, mappedFrom: op.dtype };
}

/** No defaulted parameter: one shared empty list (operators are timed millions of times in a sweep). */
const NONE_DEFAULTED: readonly string[] = Object.freeze([]);

/** The parameters of `a`, `b`, `c` (in that order) that fell back to the documented defaults. */
function defaultedOf(a: ProfileValue, b: ProfileValue, c: ProfileValue): readonly string[] {
  if (!a.defaulted && !b.defaulted && !c.defaulted) return NONE_DEFAULTED;
  return [a, b, c].filter((v) => v.defaulted).map((v) => v.parameter);
}

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
 * A grid-stride loop's passes beside the kernel's launch (`Operator.gridStrideWalk`): the kernel
 * launches min(blocksPerCore × cores, max(launchedItems, items)) blocks and each walks ⌈items ÷
 * blocks⌉ items one after another, a pass costing the class's gridStrideStepS. Cores are the chip's
 * SMs as its GEMM classes count them; 0 where the profile gives no step time or no core count, and
 * for a fused kernel (no launch of its own: the loop runs in the kernel it is fused into, not timed).
 * @example gridStrideTime({ ...act, gridStrideWalk: { items: 128 * 64, launchedItems: 8, blocksPerCore: 8 } }, b200) // 7 × 0.42 µs
 */
export function gridStrideTime(op: Operator, profile: EfficiencyProfile): number {
  const walk = op.gridStrideWalk;
  const step = profile.classes[op.class].gridStrideStepS?.value;
  const cores = profile.classes["grouped-gemm"].cores?.value ?? profile.classes.gemm.cores?.value;
  if (walk === undefined || step === undefined || cores === undefined || op.kernels <= 0 || walk.items <= 0)
    return 0;
  const blocks = Math.min(walk.blocksPerCore * cores, Math.max(walk.launchedItems, walk.items));
  return Math.ceil(walk.items / blocks) * step;
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

/**
 * The ceiling lowered by the class's shape mechanism for the attention classes: prefill-attention
 * key amortisation, the sparse decode kernel's own ceiling (GEMM tiles and waves are `operatorTime`'s,
 * which also takes the K-serial floor from them).
 */
function shapedEfficiency(
  op: Operator,
  ceiling: number,
  cls: ClassProfile,
  dtype: Dtype,
  bf16OverFormatPeak: number,
): number {
  if (op.class === "attention-prefill" && op.attention !== undefined)
    return attentionPrefillEfficiency(op.attention, ceiling, cls, bf16OverFormatPeak).efficiency;
  // Sparse decode (keys gathered by the DSA indexer's top-k): the sparse kernel's efficiency as
  // measured at the only key count it runs (top-k 2,048), its per-sequence costs included.
  if (
    op.class === "attention-decode" &&
    op.attention?.sparse === true &&
    cls.sparseDecodeCeiling !== undefined
  )
    return cls.sparseDecodeCeiling.value;
  if (op.class === "attention-decode" && op.attention !== undefined)
    return attentionDecodeEfficiency(op.attention, ceiling, cls, dtype).efficiency;
  return ceiling;
}

/** Bytes an operator moves to and from memory. @example operatorBytes(op) // weights + activations + KV, read and written */
export function operatorBytes(op: Operator): number {
  return (
    op.bytesRead.weights +
    op.bytesRead.activations +
    op.bytesRead.kvCache +
    op.bytesWritten.activations +
    op.bytesWritten.kvCache
  );
}

/** The chip's dense BF16 (else FP16) tensor peak over `peak` (1 when it has neither). */
function bf16OverPeak(device: Device, peak: number): number {
  const bf16 = device.peakFlopsPerS.bf16 ?? device.peakFlopsPerS.fp16;
  return bf16 !== undefined && peak > 0 ? bf16.value / peak : 1;
}

function tensorPeak(device: Device, dtype: Dtype, op: Operator): number {
  const peak = device.peakFlopsPerS[dtype];
  if (peak !== undefined) return peak.value;
  const mapped = dtype === op.dtype ? "" : ` (mapped from ${op.dtype})`;
  const fp8Hint =
    dtype === "fp8" && device.peakFlopsPerS.int8 !== undefined
      ? "; FP8 models run in INT8 on this chip: pass the mapping fp8→int8 (CLI: --map-dtype fp8=int8) to do that explicitly"
      : "";
  throw new SupernodeError(
    "unsupported",
    `chip ${device.chipId} (${device.chipName}) has no ${dtype}${mapped} tensor engine, needed by operator ${op.name}; it supports ${supportedDtypes(device).join(", ")}${fp8Hint}`,
  );
}

/** Vector-unit peak of the device: the profile's absolute figure, else a fraction of the BF16/FP16 tensor peak. */
function vectorPeakFlopsPerS(cls: ClassProfile, device: Device): { value: number; source: ProfileValue } {
  if (cls.vectorPeakFlopsPerS !== undefined)
    return { value: cls.vectorPeakFlopsPerS.value, source: cls.vectorPeakFlopsPerS };
  const fraction = cls.vectorPeakFractionOfBf16;
  const base = device.peakFlopsPerS.bf16 ?? device.peakFlopsPerS.fp16;
  if (fraction === undefined || base === undefined)
    throw new SupernodeError(
      "unsupported",
      `chip ${device.chipId} has no vector-unit peak in its efficiency profile and no BF16/FP16 peak to scale`,
    );
  return { value: fraction.value * base.value, source: fraction };
}

function assertNever(value: never): never {
  throw new Error(`unhandled operator class ${String(value)}`);
}
