/**
 * Weight bytes per dtype, with the scale overheads of each quantization scheme:
 *
 * | scheme          | dtype | scales                                                          |
 * |-----------------|-------|-----------------------------------------------------------------|
 * | `none`          | bf16/fp16/fp32 | none                                                   |
 * | `per-tensor`    | fp8/int8 | one fp32 scale per tensor                                    |
 * | `per-channel`   | int8/fp8 | one fp32 scale per output row (CloudMatrix INT8, §4.5 of arXiv:2506.12708) |
 * | `block-128x128` | fp8  | one fp32 scale per 128×128 block (DeepSeek-V3 `weight_block_size`) |
 * | `nvfp4-g16`     | fp4  | one fp8 (E4M3) scale per 16 input elements + one fp32 per tensor (NVFP4) |
 * | `mxfp4-g32`     | fp4  | one E8M0 byte per 32 input elements (OCP MX)                   |
 * | `int4-g32`      | int4 | one bf16 scale per 32 input elements (compressed-tensors pack-quantized, symmetric) |
 *
 * Only GEMM weights are quantized; norms, biases, routers, the embedding table and the LM head
 * stay in `highPrecision` (bf16 by default), as in the published FP8 checkpoints. A format per
 * component (`ComponentFormats`: NVFP4 experts beside FP8 attention projections, a quantized LM
 * head) overrides the default for the matrices of that component; vectors stay high precision.
 */
import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import { SupernodeError } from "../spec/index.ts";
import type { ModelArchitecture } from "./types.ts";
import {
  headTensors,
  modelLayerTensors,
  mtpModuleTensors,
  WEIGHT_COMPONENTS,
  type WeightComponent,
  type WeightTensor,
} from "./weight-tensors.ts";

/**
 * Components whose GEMM weights can carry their own format (MTP layers follow their parts).
 * `attention-output` is the attention output projection (`o_proj`, DeepSeek's `wo`), which some
 * checkpoints quantize apart from the other projections; without its own format it follows `attention`.
 */
export type GemmComponent =
  | "attention"
  | "attention-output"
  | "dense-ffn"
  | "routed-experts"
  | "shared-experts"
  | "lm-head";

export const GEMM_COMPONENTS: readonly GemmComponent[] = [
  "attention",
  "attention-output",
  "dense-ffn",
  "routed-experts",
  "shared-experts",
  "lm-head",
];

/** Weight format and GEMM math of one component. */
export interface ComponentFormat {
  readonly weights: WeightFormat;
  readonly computeDtype: Dtype;
}

/** Every GEMM component's format, defaults filled in. */
export type ComponentFormats = Readonly<Record<GemmComponent, ComponentFormat>>;

/**
 * Fills every component's format: the given override, else the default (the LM head defaults to
 * the high-precision format, unquantized, as in the published checkpoints).
 * @example resolveComponentFormats({ weights: weightFormat("fp8"), computeDtype: "fp8" }, () => undefined)["lm-head"].computeDtype // "bf16"
 */
export function resolveComponentFormats(
  fallback: ComponentFormat,
  override: (component: GemmComponent) => ComponentFormat | undefined,
): ComponentFormats {
  const hp = fallback.weights.highPrecision;
  const head: ComponentFormat = {
    weights: { dtype: hp, scheme: "none", highPrecision: hp },
    computeDtype: hp,
  };
  const out = {} as Record<GemmComponent, ComponentFormat>;
  for (const c of GEMM_COMPONENTS)
    out[c] =
      override(c) ??
      (c === "lm-head" ? head : c === "attention-output" ? (override("attention") ?? fallback) : fallback);
  return out;
}

/** Every quantization scheme (the table above). */
export const QUANT_SCHEMES = [
  "none",
  "per-tensor",
  "per-channel",
  "block-128x128",
  "nvfp4-g16",
  "mxfp4-g32",
  "int4-g32",
] as const;
export type QuantScheme = (typeof QUANT_SCHEMES)[number];

export interface WeightBytesOptions {
  /** Default per dtype: fp8 → block-128x128, int8 → per-channel, fp4 → nvfp4-g16, else none. */
  readonly scheme?: QuantScheme;
  /** Format of tensors that are not quantized (default bf16; the weight dtype if it is wider). */
  readonly highPrecision?: Dtype;
}

export interface ModelWeightBytesOptions extends WeightBytesOptions {
  /** Formats of components that differ from the default (e.g. NVFP4 routed experts). */
  readonly components?: WeightFormatOverrides;
}

/** A resolved weight format: dtype, scheme and the high-precision format of unquantized tensors. */
export interface WeightFormat {
  readonly dtype: Dtype;
  readonly scheme: QuantScheme;
  readonly highPrecision: Dtype;
}

/** Default scheme of a dtype. @example defaultQuantScheme("fp8") // "block-128x128" */
export function defaultQuantScheme(dtype: Dtype): QuantScheme {
  switch (dtype) {
    case "fp8":
      return "block-128x128";
    case "int8":
      return "per-channel";
    case "fp4":
      return "nvfp4-g16";
    case "int4":
      return "int4-g32";
    case "fp32":
    case "tf32":
    case "bf16":
    case "fp16":
      return "none";
    default: {
      const unreachable: never = dtype;
      return unreachable;
    }
  }
}

const SCHEME_DTYPES: Readonly<Record<QuantScheme, readonly Dtype[]>> = {
  none: ["fp32", "tf32", "bf16", "fp16"],
  "per-tensor": ["fp8", "int8"],
  "per-channel": ["fp8", "int8"],
  "block-128x128": ["fp8", "int8"],
  "nvfp4-g16": ["fp4"],
  "mxfp4-g32": ["fp4", "fp8"],
  "int4-g32": ["int4"],
};

/**
 * Resolves dtype + options into a weight format, rejecting impossible pairs.
 * @example weightFormat("fp4").scheme // "nvfp4-g16"
 */
export function weightFormat(dtype: Dtype, options: WeightBytesOptions = {}): WeightFormat {
  const scheme = options.scheme ?? defaultQuantScheme(dtype);
  if (!SCHEME_DTYPES[scheme].includes(dtype))
    throw new SupernodeError(
      "unsupported",
      `quantization scheme ${scheme} does not apply to ${dtype} weights; it applies to ${SCHEME_DTYPES[scheme].join(", ")}`,
    );
  const requested = options.highPrecision ?? "bf16";
  const highPrecision = DTYPE_BYTES[dtype] > DTYPE_BYTES[requested] ? dtype : requested;
  return { dtype, scheme, highPrecision };
}

/**
 * Bytes of one `rows × cols` weight matrix in a format, scales included.
 * @example matrixBytes(7168, 2048, weightFormat("fp8")) // 7168*2048 + 56*16*4
 */
export function matrixBytes(rows: number, cols: number, format: WeightFormat): number {
  const elements = rows * cols;
  const payload = elements * DTYPE_BYTES[format.dtype];
  switch (format.scheme) {
    case "none":
      return payload;
    case "per-tensor":
      return payload + 4;
    case "per-channel":
      return payload + rows * 4;
    case "block-128x128":
      return payload + Math.ceil(rows / 128) * Math.ceil(cols / 128) * 4;
    case "nvfp4-g16":
      return payload + rows * Math.ceil(cols / 16) + 4;
    case "mxfp4-g32":
      return payload + rows * Math.ceil(cols / 32);
    case "int4-g32":
      return payload + rows * Math.ceil(cols / 32) * 2;
    default: {
      const unreachable: never = format.scheme;
      return unreachable;
    }
  }
}

/** Per-component weight formats that override the default (absent components use it). */
export type WeightFormatOverrides = Readonly<Partial<Record<GemmComponent, WeightFormat>>>;

/**
 * The format a tensor is stored in: its component's override for matrices (not vectors), else the
 * default format, or its high-precision dtype when the tensor is not quantizable.
 * @example tensorFormat(lmHead, weightFormat("fp8"), { "lm-head": weightFormat("fp4") }).dtype // "fp4"
 */
export function tensorFormat(
  t: WeightTensor,
  format: WeightFormat,
  overrides?: WeightFormatOverrides,
): WeightFormat {
  const component = t.placeAs ?? t.component;
  const formatted = t.formatAs !== undefined ? overrides?.[t.formatAs] : undefined;
  const own = t.cols > 1 ? (formatted ?? overrides?.[component as GemmComponent]) : undefined;
  if (own !== undefined) return own;
  if (!t.quantizable)
    return { dtype: format.highPrecision, scheme: "none", highPrecision: format.highPrecision };
  return format;
}

/** Bytes of one copy of a tensor in a format (unquantizable tensors use the high-precision dtype). */
export function tensorBytes(
  t: WeightTensor,
  format: WeightFormat,
  overrides?: WeightFormatOverrides,
): number {
  return matrixBytes(t.rows, t.cols, tensorFormat(t, format, overrides));
}

export interface WeightBytes {
  readonly format: WeightFormat;
  /** Main model (embedding, layers, head), excluding MTP modules. */
  readonly total: number;
  readonly mtp: number;
  readonly withMtp: number;
  /** Bytes that are scales rather than values (main model + MTP). */
  readonly scaleBytes: number;
  readonly byComponent: Readonly<Record<WeightComponent, number>>;
  /** Bytes of each decoder layer of the main model. */
  readonly perLayer: readonly number[];
}

/**
 * Weight bytes of a model in a dtype, split into the parts a deployment places separately.
 * @example weightBytes(builtinModel("deepseek-v3"), "fp8").total // ≈ 6.8e11 (fp8 + scales; bf16 embeddings)
 */
export function weightBytes(
  arch: ModelArchitecture,
  dtype: Dtype,
  options: ModelWeightBytesOptions = {},
): WeightBytes {
  const format = weightFormat(dtype, options);
  const overrides = options.components;
  const byComponent = Object.fromEntries(WEIGHT_COMPONENTS.map((c) => [c, 0])) as Record<
    WeightComponent,
    number
  >;
  let values = 0;
  const add = (t: WeightTensor, copies: number): number => {
    const stored = tensorFormat(t, format, overrides);
    const bytes = matrixBytes(t.rows, t.cols, stored) * copies;
    const valueBytes = t.rows * t.cols * DTYPE_BYTES[stored.dtype] * copies;
    byComponent[t.component] += bytes;
    values += valueBytes;
    return bytes;
  };
  const perLayer = modelLayerTensors(arch).map((tensors) =>
    tensors.reduce((s, t) => s + add(t, t.copies), 0),
  );
  let total = perLayer.reduce((a, b) => a + b, 0);
  for (const t of headTensors(arch)) total += add(t, t.copies);
  let mtp = 0;
  for (const t of mtpModuleTensors(arch)) mtp += add({ ...t, component: "mtp" }, t.copies * arch.mtpModules);
  return {
    format,
    total,
    mtp,
    withMtp: total + mtp,
    scaleBytes: total + mtp - values,
    byComponent,
    perLayer,
  };
}
