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
import { attentionDecodeEfficiency, attentionPrefillEfficiency } from "./attention-efficiency.ts";
import { contiguousLayoutOperator } from "./contiguous-layout.ts";
import type { Device } from "./device.ts";
import type { ClassProfile, EfficiencyProfile, ProfileValue } from "./efficiency-profile.ts";
import { gemmFactors } from "./gemm-efficiency.ts";
import { bf16OverPeak, tensorPeak, vectorPeakFlopsPerS } from "./operator-peaks.ts";
import {
  chunkWalkTime,
  dequantTime,
  gridStrideTime,
  groupOverheadTime,
  headSequenceFloor,
  kSerialTime,
  overlappedRoof,
  paddedGroupMmaTime,
  profileCores,
  queryHeadKeyFloor,
} from "./operator-time-terms.ts";
import { splitKvWalkTime } from "./split-kv-walk.ts";

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
  const t = timeInPlace(op, device, profile, options);
  const timing: OperatorTiming = {
    timeS: t.timeS,
    computeS: t.computeS,
    memoryS: t.memoryS,
    overheadS: t.overheadS,
    bound: t.bound,
    computeEfficiency: t.computeEfficiency,
    memoryEfficiency: t.memoryEfficiency,
    defaulted: t.defaultedParameters.length > 0,
    defaultedParameters: t.defaultedParameters,
    dtype: t.dtype,
  };
  return t.dtype === op.dtype ? timing : { ...timing, mappedFrom: op.dtype };
}

/** What `operatorTime` computes, written in place (`timeInPlace`). */
export interface OperatorTimeFields {
  timeS: number;
  computeS: number;
  memoryS: number;
  overheadS: number;
  bound: OperatorBound;
  computeEfficiency: number;
  memoryEfficiency: number;
  defaultedParameters: readonly string[];
  dtype: Dtype;
}

const fields: OperatorTimeFields = {
  timeS: 0,
  computeS: 0,
  memoryS: 0,
  overheadS: 0,
  bound: "compute",
  computeEfficiency: 0,
  memoryEfficiency: 0,
  defaultedParameters: [],
  dtype: "bf16",
};

/**
 * `operatorTime` without allocating: its fields are written into one shared object, which the
 * next call overwrites — read what you need at once (the step model times every operator of every
 * layer of every step it evaluates; `timeOperator` makes its step item from these).
 * @example timeInPlace(op, computeDevice(chip), efficiencyProfile(chip.id)).timeS
 */
export function timeInPlace(
  op: Operator,
  device: Device,
  profile: EfficiencyProfile,
  options: OperatorTimeOptions = {},
): Readonly<OperatorTimeFields> {
  const cls = profile.classes[op.class];
  // A kernel that computes a worst-case contiguous buffer whole is timed as the buffer's GEMM.
  const asRun = contiguousLayoutOperator(op, cls);
  if (asRun !== op) return timeInPlace(asRun, device, profile, options);
  const dtype = options.dtypeMapping?.[op.dtype] ?? op.dtype;
  // The profile values used beyond memory efficiency and launch overhead (a ceiling or the vector peak).
  let own: ProfileValue;
  let peak: number;
  let computeEfficiency: number;
  let serialS = 0;
  // A fused-MoE kernel config's own weight stream, where the engine's data measured one.
  let configStream: number | undefined;
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
        const factors = gemmFactors(op.shape, ceiling.value, cls, dtype, op.weightScheme);
        computeEfficiency = factors.efficiency;
        serialS = kSerialTime(op, cls, factors.waves);
        configStream = factors.streamEfficiency;
      } else computeEfficiency = shapedEfficiency(op, ceiling.value, cls, dtype, bf16OverPeak(device, peak));
      break;
    }
    case "vector":
    case "embedding": {
      const absolute = cls.vectorPeakFlopsPerS;
      if (absolute !== undefined) {
        own = absolute;
        peak = absolute.value;
      } else {
        const vectorPeak = vectorPeakFlopsPerS(cls, device);
        own = vectorPeak.source;
        peak = vectorPeak.value;
      }
      computeEfficiency = 1;
      break;
    }
    default:
      return assertNever(op.class);
  }
  const bytes = operatorBytes(op);
  const memoryEfficiency = configStream ?? cls.memoryEfficiency.value;
  // A GQA generation kernel's MMA over the query group padded to its tile, when that exceeds the FLOPs'.
  const computeS = Math.max(
    op.flops > 0 ? op.flops / (peak * computeEfficiency) : 0,
    paddedGroupMmaTime(op, cls, profileCores(profile)),
  );
  const streamS = bytes > 0 ? bytes / (device.memoryBandwidthBytesPerS.value * memoryEfficiency) : 0;
  // A grouped GEMM's per-group cost sits beside its weight stream (hidden when compute-bound).
  const weightsS = Math.max(streamS, dequantTime(op, cls));
  const memoryS = weightsS > 0 ? weightsS + groupOverheadTime(op, cls) : 0;
  const walkS = op.kernels * (op.groupWalk ?? 0) * (cls.groupWalkStepS?.value ?? 0);
  const overheadS =
    op.kernels * cls.launchOverheadS.value + gridStrideTime(op, profile) + walkS + chunkWalkTime(op, profile);
  // A kernel's own minimum duration (decode attention at a few keys) floors the roofline, once per
  // op, plus a split-KV kernel's serial key walk where its profile gives one, as does a GQA decode
  // kernel's fixed cost per (sequence × KV head) block.
  const cores = profileCores(profile);
  const floorS =
    op.kernels > 0
      ? Math.max(
          (cls.minKernelS?.value ?? 0) + splitKvWalkTime(op, cls, cores),
          headSequenceFloor(op, cls, cores),
          queryHeadKeyFloor(op, cls, cores),
        )
      : 0;
  const workS = Math.max(overlappedRoof(computeS, memoryS, cls.overlapExponent?.value), serialS);
  const roofS = Math.max(workS, floorS);
  const latencyBound = overheadS > roofS || floorS > workS;
  fields.timeS = roofS + overheadS;
  fields.computeS = computeS;
  fields.memoryS = memoryS;
  fields.overheadS = overheadS;
  fields.bound = latencyBound ? "overhead" : computeS >= memoryS ? "compute" : "memory";
  fields.computeEfficiency = computeEfficiency;
  fields.memoryEfficiency = memoryEfficiency;
  fields.defaultedParameters = defaultedOf(cls.memoryEfficiency, cls.launchOverheadS, own);
  fields.dtype = dtype;
  return fields;
}

/** No defaulted parameter: one shared empty list (operators are timed millions of times in a sweep). */
const NONE_DEFAULTED: readonly string[] = Object.freeze([]);

/** The parameters of `a`, `b`, `c` (in that order) that fell back to the documented defaults. */
function defaultedOf(a: ProfileValue, b: ProfileValue, c: ProfileValue): readonly string[] {
  if (!a.defaulted && !b.defaulted && !c.defaulted) return NONE_DEFAULTED;
  // One list per (a, b, c): the step model accounts a step's defaulted parameters list by list.
  let byB = defaultedLists.get(a);
  if (byB === undefined) {
    byB = new WeakMap();
    defaultedLists.set(a, byB);
  }
  let byC = byB.get(b);
  if (byC === undefined) {
    byC = new WeakMap();
    byB.set(b, byC);
  }
  let list = byC.get(c);
  if (list === undefined) {
    list = Object.freeze([a, b, c].filter((v) => v.defaulted).map((v) => v.parameter));
    byC.set(c, list);
  }
  return list;
}

/** `defaultedOf`'s lists by the profile values they were made of. */
const defaultedLists = new WeakMap<
  ProfileValue,
  WeakMap<ProfileValue, WeakMap<ProfileValue, readonly string[]>>
>();

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

function assertNever(value: never): never {
  throw new Error(`unhandled operator class ${String(value)}`);
}
