/**
 * Efficiency profiles: what fraction of its peak a device reaches per operator class, loaded from
 * `packages/core/data/efficiency/<chip>.yaml` (embedded into core) with a source for every value.
 * A chip without a file, and any value a chip file leaves out, falls back to `default.yaml`
 * (documented assumptions); those values are marked `defaulted` and timings that use them say so.
 */
import { embeddedDataFiles } from "../catalog/index.ts";
import type { Dtype } from "../hardware/index.ts";
import { OPERATOR_CLASSES, type OperatorClass, type QuantScheme } from "../model/index.ts";
import { type Sourced, SupernodeError } from "../spec/index.ts";
import { resolveClass } from "./efficiency-class.ts";
import type { EfficiencyFile } from "./efficiency-file.ts";
import { readEfficiencyFile } from "./efficiency-file-read.ts";
import type { FusedMoeRowTiles } from "./fused-moe-row-tile.ts";

/** A profile value with its provenance; `defaulted` when it came from the default profile. */
export interface ProfileValue extends Sourced<number> {
  /** Dotted name, e.g. `gemm.computeEfficiency.int8`. */
  readonly parameter: string;
  readonly defaulted: boolean;
}

export interface ClassProfile {
  /**
   * Ceiling fraction of the tensor peak per format. Tensor classes (GEMMs, attention) have every
   * format (missing ones are defaulted); vector and embedding classes have none.
   */
  readonly computeEfficiency: Readonly<Partial<Record<Dtype, ProfileValue>>>;
  readonly memoryEfficiency: ProfileValue;
  readonly launchOverheadS: ProfileValue;
  /** GEMM shape mechanism; absent parameters are not modelled (factor 1), never defaulted. */
  readonly tileM?: ProfileValue;
  readonly tileN?: ProfileValue;
  readonly tileMSmall?: ProfileValue;
  /** Row tile = next power of two of the rows, from this up to tileM (Triton's matmul_ogs). */
  readonly tileMPow2Min?: ProfileValue;
  /** 1: that row tile is sized from `routedRowsPerGroup` (all routed pairs over the rank's experts). */
  readonly tileMFromRoutedRows?: ProfileValue;
  /** Rows per block of a worst-case contiguous layout the kernel computes whole (perf/contiguous-layout.ts). */
  readonly contiguousAlignRows?: ProfileValue;
  /** 1: the row tile comes from the engine's fused-MoE kernel configs (`rowTileConfigs`, attached by the overlay). */
  readonly tileMFromKernelConfigs?: ProfileValue;
  /** The engine's fused-MoE row tiles on this chip at the scenario's release (`fused-moe-row-tile.ts`). */
  readonly rowTileConfigs?: FusedMoeRowTiles;
  readonly tileNMin?: ProfileValue;
  readonly tileNStep?: ProfileValue;
  /** 1: autotuned tile choice (least padded work); absent: DeepGEMM's fewest-waves rule. */
  readonly tileChoiceByWork?: ProfileValue;
  readonly cores?: ProfileValue;
  readonly kOverheadElements?: ProfileValue;
  /** Per-format kOverheadElements (a format run by another kernel library); absent formats use the above. */
  readonly kOverheadElementsByDtype?: Readonly<Partial<Record<Dtype, ProfileValue>>>;
  /** Dense GEMMs walking K in one CTA, per weight scheme: seconds per reduction element (absent: not modelled). */
  readonly kSerialSByScheme?: Readonly<Partial<Record<QuantScheme, ProfileValue>>>;
  /** Grouped GEMMs: fixed time per group with rows, per kernel, in seconds (absent: not modelled). */
  readonly groupOverheadS?: ProfileValue;
  /** Grouped GEMMs: fixed time per output tile, spread over `cores` (absent: not modelled; replaces groupOverheadS). */
  readonly tileOverheadS?: ProfileValue;
  /** Vector kernels: one pass of a block through a grid-stride loop, in seconds (absent: not modelled). */
  readonly gridStrideStepS?: ProfileValue;
  /** Grouped GEMMs: time per group a walking scheduler visits, per kernel, in seconds (absent: not modelled). */
  readonly groupWalkStepS?: ProfileValue;
  /** A program's time per chunk of a chunk-walking kernel, in seconds (absent: not modelled). */
  readonly chunkStepS?: ProfileValue;
  /** The op's main kernel's minimum duration in seconds, flooring its roofline (absent: no floor). */
  readonly minKernelS?: ProfileValue;
  /** GQA decode: SM-seconds per (sequence × KV head), 16-bit / one-byte cache (absent: not modelled). */
  readonly headSequenceSmS?: ProfileValue;
  readonly fp8HeadSequenceSmS?: ProfileValue;
  /** MMHA decode (no per-KV-head kernel for the shape or mask): SM-seconds per (query head × key), one-byte cache (absent: not modelled). */
  readonly fp8QueryHeadKeySmS?: ProfileValue;
  /** GQA decode: the MMA tile the query group is padded to, in query heads, 16-bit / one-byte cache (absent: not modelled). */
  readonly queryGroupTileHeads?: ProfileValue;
  readonly fp8QueryGroupTileHeads?: ProfileValue;
  /** GQA decode: the padded group's MMA rate per SM in FLOP/s, 16-bit / one-byte cache (absent: not modelled). */
  readonly paddedGroupSmFlopsPerS?: ProfileValue;
  readonly fp8PaddedGroupSmFlopsPerS?: ProfileValue;
  /** Split-KV GQA decode (FlashAttention's heuristic): keys per CTA step, 16-bit / one-byte cache (absent: not modelled). */
  readonly splitKvKeyBlockTokens?: ProfileValue;
  readonly fp8SplitKvKeyBlockTokens?: ProfileValue;
  /** Split-KV GQA decode: seconds of one CTA step over a key block, 16-bit / one-byte cache (absent: not modelled). */
  readonly splitKvBlockS?: ProfileValue;
  readonly fp8SplitKvBlockS?: ProfileValue;
  /** Weight-only GEMMs converting weights in registers: weight elements per second (absent: not modelled). */
  readonly dequantElementsPerS?: ProfileValue;
  /** Roofline overlap exponent p: time = (compute^p + memory^p)^(1/p); absent = max (perfect overlap). */
  readonly overlapExponent?: ProfileValue;
  /** Prefill-attention mechanism (see `attention-efficiency.ts`); absent parameters are not modelled. */
  readonly keyOverheadTokens?: ProfileValue;
  /** Decode attention in a one-byte format: its per-sequence cost in keys; absent = keyOverheadTokens. */
  readonly fp8KeyOverheadTokens?: ProfileValue;
  readonly causalWastedKeys?: ProfileValue;
  readonly headDim64Ceiling?: ProfileValue;
  readonly headDim256Ceiling?: ProfileValue;
  /** Prefill attention's exponential roof: exps per dense BF16 FLOP, and the rate's sustained share. */
  readonly softmaxExpPerBf16Flop?: ProfileValue;
  readonly softmaxExpEfficiency?: ProfileValue;
  /** Decode attention over index-gathered keys (DSA): its own ceiling; absent = the dense one. */
  readonly sparseDecodeCeiling?: ProfileValue;
  readonly backwardCeilingRatio?: ProfileValue;
  readonly backwardKeyOverheadTokens?: ProfileValue;
  /** Vector-unit peak per device in FLOP/s, or as a fraction of the BF16 tensor peak. */
  readonly vectorPeakFlopsPerS?: ProfileValue;
  readonly vectorPeakFractionOfBf16?: ProfileValue;
}

export interface EfficiencyProfile {
  readonly chipId: string;
  /** `measured`: the chip has its own file; `inherited`: its file extends another chip's; `default`: none. */
  readonly basis: "measured" | "inherited" | "default";
  readonly description: string;
  /** Data files read, most specific first. */
  readonly files: readonly string[];
  readonly classes: Readonly<Record<OperatorClass, ClassProfile>>;
  /** Engine overlays applied over the chip's values (`engine-overlay.ts`); absent: none. */
  readonly engineOverlays?: readonly string[];
  /**
   * Layer operators an overlay's kernel runs inside the op its values were fitted to, per step phase
   * (`includesOperators`): the step does not charge them beside it. Absent: none.
   */
  readonly includedOperators?: Readonly<Partial<Record<"prefill" | "decode", readonly string[]>>>;
}

export { TENSOR_CLASSES } from "./efficiency-class.ts";

const DEFAULT_FILE = "efficiency/default.yaml";
const cache = new Map<string, EfficiencyProfile>();

/**
 * The efficiency profile of a catalog chip; the documented default profile if it has no file.
 * @example efficiencyProfile("ascend-910c").classes["grouped-gemm"].computeEfficiency.int8.value // ≈ 0.865
 */
export function efficiencyProfile(chipId: string): EfficiencyProfile {
  let profile = cache.get(chipId);
  if (profile === undefined) {
    profile = loadEfficiencyProfile(chipId, embeddedDataFiles);
    cache.set(chipId, profile);
  }
  return profile;
}

/**
 * The efficiency profile of a resolved chip: its own file, else the file of the chip it extends
 * (SKU variants and user chips derived with `extends:`, e.g. `ascend-910c-752` → `ascend-910c`),
 * following `lookup` for longer chains; else the default profile.
 * @example efficiencyProfileForChip(builtinCatalog().chip("ascend-910c-752")).files[0] // "efficiency/ascend-910c.yaml"
 */
export function efficiencyProfileForChip(
  chip: { readonly id: string; readonly origin: { readonly extends?: string } },
  lookup?: (id: string) => { readonly origin: { readonly extends?: string } } | undefined,
): EfficiencyProfile {
  const seen = new Set<string>([chip.id]);
  let parent = chip.origin.extends;
  while (
    embeddedDataFiles[`efficiency/${chip.id}.yaml`] === undefined &&
    parent !== undefined &&
    !seen.has(parent)
  ) {
    if (embeddedDataFiles[`efficiency/${parent}.yaml`] !== undefined) {
      const base = efficiencyProfile(parent);
      return {
        ...base,
        chipId: chip.id,
        basis: "inherited",
        description: `${chip.id} extends ${parent}; efficiencies of ${parent} (fractions of this chip's own peaks). ${base.description}`,
      };
    }
    seen.add(parent);
    parent = lookup?.(parent)?.origin.extends;
  }
  return efficiencyProfile(chip.id);
}

/**
 * Loads a profile from a map of data files (relative path → text), e.g. `embeddedDataFiles`.
 * @example loadEfficiencyProfile("my-chip", { "efficiency/default.yaml": text }).basis === "default"
 */
export function loadEfficiencyProfile(
  chipId: string,
  files: Readonly<Record<string, string>>,
): EfficiencyProfile {
  const defaults = readEfficiencyFile(DEFAULT_FILE, files);
  const chain: Array<{ path: string; file: EfficiencyFile; inheritedNote?: string }> = [];
  let id: string | undefined = chipId;
  let inheritedNote: string | undefined;
  while (id !== undefined) {
    const path = `efficiency/${id}.yaml`;
    if (files[path] === undefined) {
      if (chain.length === 0) break;
      throw new SupernodeError(
        "unknown-id",
        `efficiency file ${chain.at(-1)?.path} extends "${id}", which has no file ${path}`,
        {
          file: chain.at(-1)?.path,
          fieldPath: ["extends", "chip"],
        },
      );
    }
    if (chain.some((entry) => entry.path === path))
      throw new SupernodeError(
        "invalid-value",
        `efficiency files extend each other in a cycle through ${path}`,
        {
          file: path,
          fieldPath: ["extends"],
        },
      );
    const file = readEfficiencyFile(path, files);
    chain.push({ path, file, inheritedNote });
    if (file.extends !== undefined) inheritedNote = file.extends.note;
    id = file.extends?.chip;
  }
  const head = chain[0];
  const classes = {} as Record<OperatorClass, ClassProfile>;
  for (const cls of OPERATOR_CLASSES) {
    const layers = chain.map((entry) => ({
      cls: entry.file.classes[cls],
      sources: entry.file.sources,
      path: entry.path,
      inherited:
        entry.inheritedNote === undefined ? undefined : { note: entry.inheritedNote, chip: entry.file.chip },
    }));
    classes[cls] = resolveClass(cls, layers, {
      cls: defaults.classes[cls],
      sources: defaults.sources,
      path: DEFAULT_FILE,
      inherited: undefined,
    });
  }
  return {
    chipId,
    basis: head === undefined ? "default" : chain.length > 1 ? "inherited" : "measured",
    description: head?.file.description ?? defaults.description,
    files: head === undefined ? [DEFAULT_FILE] : [...chain.map((entry) => entry.path), DEFAULT_FILE],
    classes,
  };
}
