/**
 * The resolved precision of a scenario: the default weight format and GEMM math, the KV cache,
 * the attention core, MoE payloads, and a format per component where the scenario gives one.
 * `resolvePrecision` applies defaults and an optional format mapping (`--map-dtype fp4=int8`), and
 * refuses a format the chip has no tensor math for, naming the field (`precision.components.experts.weights`).
 */
import type { Dtype } from "../hardware/index.ts";
import {
  type ComponentPrecisionOption,
  defaultComputeDtype,
  GEMM_COMPONENTS,
  type GemmComponent,
  type QuantScheme,
  type WeightFormat,
  type WeightFormatOverrides,
  weightFormat,
} from "../model/index.ts";
import { type PrecisionComponentsSpec, type PrecisionSpec, SupernodeError } from "../spec/index.ts";

/** One component's own format. */
export interface ComponentPrecision {
  readonly weights: Dtype;
  /** Absent: the format's default scheme. */
  readonly scheme?: QuantScheme;
  /** GEMM math. */
  readonly math: Dtype;
}

export interface Precision {
  readonly weights: Dtype;
  /** Absent: the format's default scheme. */
  readonly weightScheme?: QuantScheme;
  readonly activations: Dtype;
  readonly kvCache: Dtype;
  readonly attention: Dtype;
  readonly dispatch: Dtype;
  readonly combine: Dtype;
  /** The DSA lightning indexer's format where the scenario gives one (absent: the model's default). */
  readonly indexer?: Dtype;
  /** Linear-attention layers' recurrent state where the scenario gives one (absent: fp32). */
  readonly linearState?: Dtype;
  /** Components with their own weights and math (absent ones use `weights` / `activations`). */
  readonly components?: Readonly<Partial<Record<GemmComponent, ComponentPrecision>>>;
}

/** Scenario name of each component (`precision.components.<name>`). */
export const COMPONENT_FIELD: Readonly<Record<GemmComponent, keyof PrecisionComponentsSpec>> = {
  attention: "attentionProjections",
  "attention-output": "attentionOutput",
  "routed-experts": "experts",
  "shared-experts": "sharedExperts",
  "dense-ffn": "denseFfn",
  "lm-head": "lmHead",
};

/** Formats mapped to others before use, e.g. `{ fp8: "int8", fp4: "int8" }` on the Ascend 910C. */
export type DtypeMapping = Readonly<Partial<Record<Dtype, Dtype>>>;

export interface ResolvePrecisionContext {
  /** The chip's dense peaks per format (a format without one has no tensor math). */
  readonly peaks: Readonly<Partial<Record<Dtype, unknown>>>;
  readonly chipName: string;
  readonly file: string;
  readonly locate: (path: ReadonlyArray<string | number>) => { line: number; column: number } | undefined;
  readonly mapping?: DtypeMapping;
}

/**
 * Resolves the document's `precision` section, checking every math and weight format against the chip.
 * @example resolvePrecision({ weights: "fp8", kvCache: "bf16", attention: "bf16", combine: "bf16" }, ctx).dispatch // "fp8"
 */
export function resolvePrecision(spec: PrecisionSpec, ctx: ResolvePrecisionContext): Precision {
  const map = (d: Dtype): Dtype => ctx.mapping?.[d] ?? d;
  // A scheme belongs to the format it was written for; a mapped format takes its own default.
  const scheme = (d: Dtype, s: QuantScheme | undefined) => (map(d) === d ? s : undefined);
  const weights = map(spec.weights);
  const activations = map(spec.activations ?? spec.weights);
  const components: Partial<Record<GemmComponent, ComponentPrecision>> = {};
  for (const component of GEMM_COMPONENTS) {
    const given = spec.components?.[COMPONENT_FIELD[component]];
    if (given === undefined) continue;
    const w = map(given.weights);
    const s = scheme(given.weights, given.scheme);
    components[component] = {
      weights: w,
      ...(s !== undefined && { scheme: s }),
      math: given.math !== undefined ? map(given.math) : defaultComputeDtype(w, activations),
    };
  }
  const weightScheme = scheme(spec.weights, spec.weightScheme);
  const precision: Precision = {
    weights,
    ...(weightScheme !== undefined && { weightScheme }),
    activations,
    kvCache: map(spec.kvCache),
    attention: map(spec.attention),
    dispatch: map(spec.dispatch ?? spec.activations ?? spec.weights),
    combine: map(spec.combine),
    ...(spec.indexer !== undefined && { indexer: map(spec.indexer) }),
    ...(spec.linearState !== undefined && { linearState: map(spec.linearState) }),
    ...(Object.keys(components).length > 0 && { components }),
  };
  checkPrecision(precision, ctx);
  return precision;
}

function checkPrecision(precision: Precision, ctx: ResolvePrecisionContext): void {
  // `storageOnly`: weights a component keeps in a format its GEMMs do not compute in (weight-only
  // quantization such as gpt-oss's MXFP4 experts with BF16 math on Hopper): dequantised on load,
  // so the chip needs the math format only.
  const fields: Array<{ path: string[]; dtype: Dtype; scheme?: QuantScheme; storageOnly?: boolean }> = [
    { path: ["weights"], dtype: precision.weights, scheme: precision.weightScheme },
    { path: ["activations"], dtype: precision.activations },
    { path: ["attention"], dtype: precision.attention },
  ];
  if (precision.indexer !== undefined) fields.push({ path: ["indexer"], dtype: precision.indexer });
  for (const component of GEMM_COMPONENTS) {
    const own = precision.components?.[component];
    if (own === undefined) continue;
    const base = ["components", COMPONENT_FIELD[component]];
    fields.push({
      path: [...base, "weights"],
      dtype: own.weights,
      scheme: own.scheme,
      storageOnly: own.math !== own.weights,
    });
    fields.push({ path: [...base, "math"], dtype: own.math });
  }
  const supported = Object.keys(ctx.peaks).join(", ");
  const missing = fields.filter((f) => f.storageOnly !== true && ctx.peaks[f.dtype] === undefined);
  const first = missing[0];
  if (first !== undefined) {
    const at = ["precision", ...first.path];
    const pos = ctx.locate(at);
    const hint = ["int8", "bf16"].find((d) => ctx.peaks[d as Dtype] !== undefined);
    const byDtype = new Map<Dtype, string[]>();
    for (const f of missing)
      byDtype.set(f.dtype, [...(byDtype.get(f.dtype) ?? []), `precision.${f.path.join(".")}`]);
    const lacks = [...byDtype].map(([d, where]) => `no ${d} tensor math (${where.join(", ")})`).join(" and ");
    const maps = [...byDtype.keys()].map((d) => `--map-dtype ${d}=${hint}`).join(" ");
    throw new SupernodeError(
      "unsupported",
      `${ctx.chipName} has ${lacks}; it supports ${supported}. Choose one of those` +
        (hint !== undefined ? `, or run them as ${hint} (CLI: ${maps})` : ""),
      { file: ctx.file, line: pos?.line, column: pos?.column, fieldPath: at },
    );
  }
  for (const field of fields) {
    if (field.path.at(-1) !== "weights") continue;
    try {
      weightFormat(field.dtype, { scheme: field.scheme });
    } catch (e) {
      if (!(e instanceof SupernodeError)) throw e;
      const at = ["precision", ...field.path];
      const pos = ctx.locate(at);
      throw new SupernodeError("schema", e.detail, {
        file: ctx.file,
        line: pos?.line,
        column: pos?.column,
        fieldPath: at,
      });
    }
  }
}

/**
 * The default weight format and the per-component overrides, for weight bytes and memory.
 * @example precisionWeightFormats(precision).overrides["routed-experts"]?.scheme // "nvfp4-g16"
 */
export function precisionWeightFormats(precision: Precision): {
  readonly format: WeightFormat;
  readonly overrides: WeightFormatOverrides;
} {
  const format = weightFormat(precision.weights, { scheme: precision.weightScheme });
  const overrides: Partial<Record<GemmComponent, WeightFormat>> = {};
  for (const component of GEMM_COMPONENTS) {
    const own = precision.components?.[component];
    if (own !== undefined) overrides[component] = weightFormat(own.weights, { scheme: own.scheme });
  }
  return { format, overrides };
}

/** The per-component operator options of a precision (for `LayerOperatorOptions.componentPrecision`). */
export function componentPrecisionOptions(
  precision: Precision,
): Readonly<Partial<Record<GemmComponent, ComponentPrecisionOption>>> {
  const out: Partial<Record<GemmComponent, ComponentPrecisionOption>> = {};
  for (const component of GEMM_COMPONENTS) {
    const own = precision.components?.[component];
    if (own !== undefined)
      out[component] = {
        weightDtype: own.weights,
        ...(own.scheme !== undefined && { weightScheme: own.scheme }),
        computeDtype: own.math,
      };
  }
  return out;
}

/**
 * One line for reports: the default formats, then each component with its own.
 * @example describePrecision(p) // "weights fp8, activations fp8, KV bf16, attention bf16, dispatch fp8, combine bf16; experts fp4 (nvfp4-g16, math fp4)"
 */
export function describePrecision(p: Precision): string {
  const scheme = p.weightScheme !== undefined ? ` (${p.weightScheme})` : "";
  const base = `weights ${p.weights}${scheme}, activations ${p.activations}, KV ${p.kvCache}, attention ${p.attention}, dispatch ${p.dispatch}, combine ${p.combine}`;
  const parts: string[] = [];
  for (const component of GEMM_COMPONENTS) {
    const own = p.components?.[component];
    if (own === undefined) continue;
    const format = weightFormat(own.weights, { scheme: own.scheme });
    const s = format.scheme !== "none" ? `${format.scheme}, ` : "";
    parts.push(`${COMPONENT_FIELD[component]} ${own.weights} (${s}math ${own.math})`);
  }
  return parts.length > 0 ? `${base}; ${parts.join(", ")}` : base;
}
