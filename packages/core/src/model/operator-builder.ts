/**
 * Small constructors for `Operator`s, so every builder counts FLOPs and bytes the same way:
 * a GEMM of `rows` input rows (summed over groups) reads rows × k activations and writes rows × n;
 * a vector op reads and writes the elements it is given, at the activation width.
 */
import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import type { Operator, OperatorClass } from "./types.ts";
import { type ComponentFormat, type GemmComponent, matrixBytes, type WeightFormat } from "./weight-bytes.ts";

/** FLOPs per element of common vector ops (adds and multiplies; exp and rsqrt count as one). */
export const VECTOR_FLOPS_PER_ELEMENT = {
  /** RMSNorm with the fused residual add: add, square, accumulate, scale, weight. */
  rmsNorm: 5,
  /** Rotary embedding: two multiplies and one add per element. */
  rotary: 3,
  /** SiLU(gate) × up: exp, add, divide, two multiplies, per output element. */
  swiglu: 5,
  /** Squared ReLU (Nemotron-H's `relu2`): max and square, per output element. */
  relu2: 2,
  /** Quantisation to an 8-bit format: absolute value, group maximum, scale, cast (an order of magnitude). */
  quantize: 4,
} as const;

export interface GemmSpec {
  readonly name: string;
  readonly class?: Extract<OperatorClass, "gemm" | "grouped-gemm">;
  /** Input rows summed over all groups (tokens; tokens × heads for per-head batched GEMMs). */
  readonly rows: number;
  readonly n: number;
  readonly k: number;
  readonly groups?: number;
  /** Routed-expert GEMMs with EP > 1: all routed pairs the op is given per local expert (`OperatorShape`). */
  readonly routedRowsPerGroup?: number;
  /** Routed-expert GEMMs: the experts this rank holds (`OperatorShape.localGroups`). */
  readonly localGroups?: number;
  /** Routed-expert GEMMs: the op's tokens and an expert's intermediate slice (`OperatorShape`). */
  readonly opTokens?: number;
  readonly expertIntermediate?: number;
  /** Weight bytes read (default: groups × n × k in the workload's weight format). */
  readonly weightBytes?: number;
  /** Weight elements those bytes hold (default: groups × n × k). */
  readonly weightElements?: number;
  readonly dtype?: Dtype;
  readonly kernels?: number;
  /** The component whose weight format and math the GEMM uses; default: the workload's default format. */
  readonly component?: GemmComponent;
}

/** Weight format and math of a component (the workload's default format when none is named). */
export function formatOf(w: ResolvedWorkload, component: GemmComponent | undefined): ComponentFormat {
  return component !== undefined
    ? w.components[component]
    : { weights: w.weights, computeDtype: w.computeDtype };
}

/** A GEMM: 2 × rows × n × k FLOPs. */
export function gemmOp(w: ResolvedWorkload, spec: GemmSpec): Operator {
  const groups = spec.groups ?? 1;
  const format = formatOf(w, spec.component);
  const weights = spec.weightBytes ?? groups * matrixBytes(spec.n, spec.k, format.weights);
  const dtype = spec.dtype ?? format.computeDtype;
  // Weight-only formats (weights narrower than the math, e.g. INT4 weights with BF16 math).
  const weightOnly = DTYPE_BYTES[format.weights.dtype] < DTYPE_BYTES[dtype];
  return {
    name: spec.name,
    class: spec.class ?? "gemm",
    dtype,
    flops: 2 * spec.rows * spec.n * spec.k,
    bytesRead: { weights, activations: spec.rows * spec.k * w.actBytes, kvCache: 0 },
    bytesWritten: { activations: spec.rows * spec.n * w.actBytes, kvCache: 0 },
    shape: {
      m: groups > 0 ? spec.rows / groups : 0,
      n: spec.n,
      k: spec.k,
      ...(groups !== 1 ? { groups } : {}),
      ...(spec.routedRowsPerGroup !== undefined && { routedRowsPerGroup: spec.routedRowsPerGroup }),
      ...(spec.localGroups !== undefined && { localGroups: spec.localGroups }),
      ...(spec.opTokens !== undefined && { opTokens: spec.opTokens }),
      ...(spec.expertIntermediate !== undefined && { expertIntermediate: spec.expertIntermediate }),
    },
    ...(weightOnly && { weightOnlyElements: spec.weightElements ?? groups * spec.n * spec.k }),
    ...(format.weights.scheme !== "none" && { weightScheme: format.weights.scheme }),
    kernels: spec.kernels ?? 1,
  };
}

export interface VectorSpec {
  readonly name: string;
  readonly class?: Extract<OperatorClass, "vector" | "embedding">;
  readonly flops: number;
  /** Elements read and written (activations, at the activation width). */
  readonly readElements: number;
  readonly writeElements: number;
  readonly weightBytes?: number;
  readonly kvReadBytes?: number;
  readonly kvWriteBytes?: number;
  readonly kernels?: number;
}

/** A memory-bound pass over activations given in bytes: what it reads and writes, kernels launched. */
export interface ActivationPassSpec {
  readonly name: string;
  readonly dtype: Operator["dtype"];
  readonly flops?: number;
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly kernels?: number;
}

/**
 * A vector operator that moves activations only (no weights, no KV cache): copies, casts,
 * unfused elementwise chains that engines or frameworks run as kernels of their own.
 * @example activationPass({ name: "moe.permute", dtype: "bf16", readBytes: 2e6, writeBytes: 2e6 })
 */
export function activationPass(spec: ActivationPassSpec): Operator {
  return {
    name: spec.name,
    class: "vector",
    dtype: spec.dtype,
    flops: spec.flops ?? 0,
    bytesRead: { weights: 0, activations: spec.readBytes, kvCache: 0 },
    bytesWritten: { activations: spec.writeBytes, kvCache: 0 },
    kernels: spec.kernels ?? 1,
  };
}

/** A memory-bound elementwise or reduction op. */
export function vectorOp(w: ResolvedWorkload, spec: VectorSpec): Operator {
  return {
    name: spec.name,
    class: spec.class ?? "vector",
    dtype: w.activationDtype,
    flops: spec.flops,
    bytesRead: {
      weights: spec.weightBytes ?? 0,
      activations: spec.readElements * w.actBytes,
      kvCache: spec.kvReadBytes ?? 0,
    },
    bytesWritten: { activations: spec.writeElements * w.actBytes, kvCache: spec.kvWriteBytes ?? 0 },
    kernels: spec.kernels ?? 1,
  };
}

/** Fused residual-add + RMSNorm over `tokens × width` (reads input and residual, writes both). */
export function rmsNormOp(
  w: ResolvedWorkload,
  name: string,
  tokens: number,
  width: number,
  kernels = 1,
): Operator {
  const elements = tokens * width;
  return vectorOp(w, {
    name,
    flops: VECTOR_FLOPS_PER_ELEMENT.rmsNorm * elements,
    readElements: 2 * elements,
    writeElements: 2 * elements,
    weightBytes: width * bytesOfHighPrecision(w.weights),
    kernels,
  });
}

/** Bytes per element of tensors kept in high precision (norm weights, routers, embeddings). */
export function bytesOfHighPrecision(format: WeightFormat): number {
  return matrixBytes(1, 1, {
    dtype: format.highPrecision,
    scheme: "none",
    highPrecision: format.highPrecision,
  });
}
