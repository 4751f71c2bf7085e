/**
 * One operator class of an efficiency profile resolved from its files: each value taken from the
 * most specific file that gives it (a chip's own, then the chips it `extends`), else from the
 * default profile (marked `defaulted`); values reached through `extends` become assumptions.
 */
import { type Dtype, MATH_DTYPES } from "../hardware/index.ts";
import { type OperatorClass, QUANT_SCHEMES } from "../model/index.ts";
import { GIGA, MICROSECOND, NANOSECOND, type SourceRef, SupernodeError, TERA } from "../spec/index.ts";
import type { ClassEfficiencyFile, EfficiencyFile, SourcedValueFile } from "./efficiency-file.ts";
import type { ClassProfile, ProfileValue } from "./efficiency-profile.ts";

/** Classes that run on the tensor (matrix) engine and so have per-format compute efficiencies. */
export const TENSOR_CLASSES: readonly OperatorClass[] = [
  "gemm",
  "grouped-gemm",
  "attention-prefill",
  "attention-decode",
];

/** One file of a profile's chain as the resolution reads it. */
export interface ProfileSource {
  readonly cls: ClassEfficiencyFile | undefined;
  readonly sources: EfficiencyFile["sources"];
  readonly path: string;
  /** Set when this layer is reached through `extends`: its values become assumptions for the chip. */
  readonly inherited: { readonly note: string; readonly chip: string } | undefined;
}

/** Fields keyed by format or weight scheme (the other fields hold one value). */
type KeyedField = "kOverheadElementsByDtype" | "kSerialNsByScheme";
type ScalarKey = Exclude<keyof ClassEfficiencyFile, "computeEfficiency" | KeyedField>;

/** File field → profile field and its factor to SI, for the fields whose names carry a unit. */
export const UNIT_FIELDS = {
  launchOverheadUs: ["launchOverheadS", MICROSECOND],
  groupOverheadUs: ["groupOverheadS", MICROSECOND],
  tileOverheadUs: ["tileOverheadS", MICROSECOND],
  gridStrideStepUs: ["gridStrideStepS", MICROSECOND],
  groupWalkStepUs: ["groupWalkStepS", MICROSECOND],
  chunkStepUs: ["chunkStepS", MICROSECOND],
  minKernelUs: ["minKernelS", MICROSECOND],
  headSequenceSmUs: ["headSequenceSmS", MICROSECOND],
  fp8HeadSequenceSmUs: ["fp8HeadSequenceSmS", MICROSECOND],
  fp8QueryHeadKeySmNs: ["fp8QueryHeadKeySmS", NANOSECOND],
  paddedGroupSmGflops: ["paddedGroupSmFlopsPerS", GIGA],
  fp8PaddedGroupSmGflops: ["fp8PaddedGroupSmFlopsPerS", GIGA],
  splitKvBlockUs: ["splitKvBlockS", MICROSECOND],
  fp8SplitKvBlockUs: ["fp8SplitKvBlockS", MICROSECOND],
  dequantGElementsPerS: ["dequantElementsPerS", GIGA],
  vectorPeakTflops: ["vectorPeakFlopsPerS", TERA],
} as const satisfies Partial<Record<ScalarKey, readonly [keyof ClassProfile, number]>>;
type UnitFileKey = keyof typeof UNIT_FIELDS;
type UnitField = (typeof UNIT_FIELDS)[UnitFileKey];
type UnitProfileKey = Exclude<UnitField[0], "launchOverheadS">;

/** Shape-mechanism parameters: copied when a file gives them, never defaulted. */
const SHAPE_KEYS = [
  "tileM",
  "tileN",
  "tileMSmall",
  "tileMPow2Min",
  "tileMFromRoutedRows",
  "contiguousAlignRows",
  "tileMFromKernelConfigs",
  "tileNMin",
  "tileNStep",
  "tileChoiceByWork",
  "cores",
  "queryGroupTileHeads",
  "fp8QueryGroupTileHeads",
  "splitKvKeyBlockTokens",
  "fp8SplitKvKeyBlockTokens",
  "kOverheadElements",
  "overlapExponent",
  "keyOverheadTokens",
  "fp8KeyOverheadTokens",
  "causalWastedKeys",
  "headDim64Ceiling",
  "headDim256Ceiling",
  "softmaxExpPerBf16Flop",
  "softmaxExpEfficiency",
  "sparseDecodeCeiling",
  "backwardCeilingRatio",
  "backwardKeyOverheadTokens",
] as const;
type ShapeKey = (typeof SHAPE_KEYS)[number];

/**
 * The class's values from `layers` (most specific first), falling back to the default profile.
 * @example resolveClass("gemm", [], defaultLayer).launchOverheadS.defaulted // true
 */
export function resolveClass(
  cls: OperatorClass,
  layers: readonly ProfileSource[],
  fallback: ProfileSource,
): ClassProfile {
  const pick = (key: ScalarKey, scale: number, useDefault: boolean): ProfileValue | undefined => {
    for (const layer of layers) {
      const raw = layer.cls?.[key];
      if (raw !== undefined) return toProfileValue(raw, `${cls}.${key}`, layer, scale, false);
    }
    const raw = useDefault ? fallback.cls?.[key] : undefined;
    return raw === undefined ? undefined : toProfileValue(raw, `${cls}.${key}`, fallback, scale, true);
  };
  const required = (key: ScalarKey, scale: number): ProfileValue => {
    const value = pick(key, scale, true);
    if (value === undefined)
      throw new SupernodeError("schema", `the default efficiency profile lacks ${cls}.${key}`, {
        file: fallback.path,
        fieldPath: ["classes", cls, key],
      });
    return value;
  };
  const computeEfficiency: Partial<Record<Dtype, ProfileValue>> = {};
  for (const dtype of TENSOR_CLASSES.includes(cls) ? MATH_DTYPES : []) {
    const parameter = `${cls}.computeEfficiency.${dtype}`;
    const layer = layers.find((l) => l.cls?.computeEfficiency?.[dtype] !== undefined);
    const raw = layer?.cls?.computeEfficiency?.[dtype] ?? fallback.cls?.computeEfficiency?.[dtype];
    if (raw === undefined)
      throw new SupernodeError("schema", `the default efficiency profile lacks ${parameter}`, {
        file: fallback.path,
        fieldPath: ["classes", cls, "computeEfficiency", dtype],
      });
    computeEfficiency[dtype] = toProfileValue(raw, parameter, layer ?? fallback, 1, layer === undefined);
  }
  const optional: Partial<Record<ShapeKey, ProfileValue>> = {};
  for (const key of SHAPE_KEYS) {
    const value = pick(key, 1, false);
    if (value !== undefined) optional[key] = value;
  }
  // Per-format / per-scheme values: each key from the most specific file that gives it, never defaulted.
  const keyed = <K extends string>(field: KeyedField, keys: readonly K[], scale: number) => {
    const out: Partial<Record<K, ProfileValue>> = {};
    const of = (l: ProfileSource) => l.cls?.[field] as Partial<Record<K, SourcedValueFile>> | undefined;
    for (const key of keys) {
      const layer = layers.find((l) => of(l)?.[key] !== undefined);
      const raw = layer === undefined ? undefined : of(layer)?.[key];
      if (layer !== undefined && raw !== undefined)
        out[key] = toProfileValue(raw, `${cls}.${field}.${key}`, layer, scale, false);
    }
    return out;
  };
  const kOverheadByDtype = keyed("kOverheadElementsByDtype", MATH_DTYPES, 1);
  const kSerialByScheme = keyed("kSerialNsByScheme", QUANT_SCHEMES, NANOSECOND);
  // The optional fields whose names carry a unit (launchOverheadUs is required): copied in SI when given.
  const units: Partial<Record<UnitProfileKey, ProfileValue>> = {};
  for (const [key, [field, scale]] of Object.entries(UNIT_FIELDS) as [UnitFileKey, UnitField][]) {
    if (field === "launchOverheadS") continue;
    const value = pick(key, scale, false);
    if (value !== undefined) units[field] = value;
  }
  const fraction =
    units.vectorPeakFlopsPerS === undefined ? pick("vectorPeakFractionOfBf16", 1, true) : undefined;
  return {
    computeEfficiency,
    memoryEfficiency: required("memoryEfficiency", 1),
    launchOverheadS: required("launchOverheadUs", UNIT_FIELDS.launchOverheadUs[1]),
    ...optional,
    ...(Object.keys(kOverheadByDtype).length > 0 && { kOverheadElementsByDtype: kOverheadByDtype }),
    ...(Object.keys(kSerialByScheme).length > 0 && { kSerialSByScheme: kSerialByScheme }),
    ...units,
    ...(fraction && { vectorPeakFractionOfBf16: fraction }),
  };
}

/** One file value as a profile value: its sources resolved in `layer`'s block, scaled to SI. */
export function toProfileValue(
  raw: SourcedValueFile,
  parameter: string,
  layer: ProfileSource,
  scale: number,
  defaulted: boolean,
): ProfileValue {
  const keys = typeof raw.source === "string" ? [raw.source] : raw.source;
  const sources: SourceRef[] = keys.map((key) => {
    const source = layer.sources[key];
    // Keys are checked when the file is read; this guards files built by hand in tests.
    if (source === undefined)
      throw new SupernodeError("schema", `unknown source key "${key}" for ${parameter}`, {
        file: layer.path,
      });
    return { key, title: source.title, url: source.url, ...(source.section && { section: source.section }) };
  });
  const inherited = layer.inherited;
  const note = inherited
    ? `inherited from ${inherited.chip} (${inherited.note})${raw.note ? `: ${raw.note}` : ""}`
    : raw.note;
  return {
    value: raw.value * scale,
    sources,
    tag: inherited ? "assumption" : raw.tag,
    ...(note !== undefined && { note }),
    parameter,
    defaulted,
  };
}
