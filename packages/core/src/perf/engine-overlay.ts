/**
 * Engine efficiency overlays: a serving engine's kernel backend (its attention, MoE or linear kernels) on a
 * chip architecture replaces named values of the chip's efficiency profile
 * (`data/efficiency/engines/<engine>/*.yaml`, read by `engine-overlay-set.ts`, schema in
 * `engine-overlay-file.ts`). Which backend runs
 * is the scenario's `engine.attentionBackend` / `engine.moeBackend`, else the engine's own default
 * for the model's attention kind on that architecture (`backend.defaultFor`, from its source) —
 * never the choice that fits a result.
 */
import { embeddedDataFiles } from "../catalog/index.ts";
import { OPERATOR_CLASSES, type OperatorClass } from "../model/index.ts";
import { NANOSECOND, SupernodeError } from "../spec/index.ts";
import { toProfileValue, UNIT_FIELDS } from "./efficiency-class.ts";
import type { ClassEfficiencyFile, SourcedValueFile } from "./efficiency-file.ts";
import type { ClassProfile, EfficiencyProfile, ProfileValue } from "./efficiency-profile.ts";
import type { BackendKind, EngineOverlayFile, ModelAttentionKind } from "./engine-overlay-file.ts";
import { engineOverlayFolder, engineOverlaySet, type FiledOverlay } from "./engine-overlay-set.ts";
import { fusedMoeRowTiles } from "./fused-moe-row-tile.ts";
import { coversRelease } from "./release-range.ts";

/** What decides which overlays apply: the engine, its release, named backends, the model. */
export interface OverlaySelection {
  readonly engine: string;
  /** The release asked for (undefined: the newest, which an overlay with `until` does not cover). */
  readonly version?: string;
  readonly attentionBackend?: string;
  readonly moeBackend?: string;
  /** The model's attention (undefined: no default backend applies). */
  readonly modelAttention?: ModelAttentionKind;
  /** The routed experts' weight format (undefined: a dense model, or not known). */
  readonly expertWeights?: string;
}

/**
 * The overlays of `selection` that apply to a chip with `profile`; refuses a backend name the
 * engine's file does not list.
 * @example selectOverlays(efficiencyProfile("b200"), { engine: "sglang", modelAttention: "mla-dense" })[0]?.id // "sglang-trtllm-mla-sm100"
 */
export function selectOverlays(
  profile: EfficiencyProfile,
  selection: OverlaySelection,
  files: Readonly<Record<string, string>> = embeddedDataFiles,
): FiledOverlay[] {
  const set = engineOverlaySet(selection.engine, files);
  if (set === undefined) return [];
  const named: Record<BackendKind, string | undefined> = {
    attention: selection.attentionBackend,
    moe: selection.moeBackend,
    linear: undefined,
  };
  for (const kind of ["attention", "moe"] as const) {
    const known = set.backends[kind];
    const name = named[kind];
    if (name !== undefined && known !== undefined && !known.includes(name))
      throw new SupernodeError(
        "invalid-value",
        `${selection.engine} has no ${kind} backend "${name}": expected one of ${known.join(", ")} (data/${engineOverlayFolder(selection.engine)}*.yaml backends.${kind})`,
        { fieldPath: ["engine", kind === "attention" ? "attentionBackend" : "moeBackend"] },
      );
  }
  const onChip = set.overlays.filter((overlay) =>
    overlay.architecture.chips.some((chip) => profile.files.includes(`efficiency/${chip}.yaml`)),
  );
  for (const kind of ["attention", "moe"] as const) {
    const name = named[kind];
    const ofNamed = onChip.filter((o) => o.backend.kind === kind && o.backend.name === name);
    if (ofNamed.length > 0 && !ofNamed.some((o) => coversRelease(o, selection.version)))
      throw new SupernodeError(
        "invalid-value",
        `${selection.engine}'s ${kind} backend "${name}" on this chip has kernel data for ${ofNamed.map((o) => `${o.id} (${releaseRange(o)})`).join(", ")} only, not for ${selection.version === undefined ? "the newest release (the scenario names none)" : `release ${selection.version}`}: name a covered release in engine.version, or another backend (data/${engineOverlayFolder(selection.engine)}*.yaml releases)`,
        { fieldPath: ["engine", "version"] },
      );
  }
  return onChip.filter((overlay) => {
    if (!coversRelease(overlay, selection.version)) return false;
    const name = named[overlay.backend.kind];
    if (name !== undefined) return name === overlay.backend.name;
    // An engine's linear method follows the checkpoint's format, whatever the model's attention.
    if (overlay.backend.kind === "linear") return true;
    const formats = overlay.backend.defaultForExpertWeights;
    return (
      selection.modelAttention !== undefined &&
      overlay.backend.defaultFor.includes(selection.modelAttention) &&
      (formats === undefined ||
        (selection.expertWeights !== undefined && formats.some((f) => f === selection.expertWeights)))
    );
  });
}

function releaseRange(overlay: FiledOverlay): string {
  const { from, until } = overlay.releases;
  return until === undefined ? `from ${from}` : `${from} <= release < ${until}`;
}

const applied = new WeakMap<EfficiencyProfile, Map<string, EfficiencyProfile>>();

/**
 * The profile with the selected overlays' values in place of the chip's (the same object when none
 * applies; memoised per profile object and overlay set, so step memos keyed by profile still hit).
 * @example withEngineOverlays(efficiencyProfile("b200"), { engine: "sglang", modelAttention: "mla-dense" }).engineOverlays // ["sglang-trtllm-mla-sm100"]
 */
export function withEngineOverlays(
  profile: EfficiencyProfile,
  selection: OverlaySelection,
  files: Readonly<Record<string, string>> = embeddedDataFiles,
): EfficiencyProfile {
  const overlays = selectOverlays(profile, selection, files);
  if (overlays.length === 0) return profile;
  const key = `${selection.engine}:${selection.version ?? ""}:${overlays.map((o) => o.id).join(",")}`;
  let byKey = applied.get(profile);
  if (byKey === undefined) {
    byKey = new Map();
    applied.set(profile, byKey);
  }
  const hit = byKey.get(key);
  if (hit !== undefined) return hit;
  const sources = engineOverlaySet(selection.engine, files)?.sources;
  const classes = { ...profile.classes } as Record<OperatorClass, ClassProfile>;
  for (const overlay of overlays)
    for (const cls of OPERATOR_CLASSES) {
      const entry = overlay.classes[cls];
      const fileSources = sources?.get(overlay.file);
      if (entry !== undefined && fileSources !== undefined)
        classes[cls] = overlayClass(cls, classes[cls], entry, overlay, fileSources);
    }
  // A kernel that picks its row tile from the engine's shipped configs gets them for this chip and release.
  for (const cls of OPERATOR_CLASSES)
    if ((classes[cls].tileMFromKernelConfigs?.value ?? 0) > 0)
      classes[cls] = {
        ...classes[cls],
        rowTileConfigs: fusedMoeRowTiles(selection.engine, profile.chipId, selection.version, files),
      };
  const included: Partial<Record<"prefill" | "decode", string[]>> = {};
  for (const { includesOperators: inc } of overlays)
    if (inc !== undefined)
      included[inc.phase] = [...new Set([...(included[inc.phase] ?? []), ...inc.operators])];
  const result: EfficiencyProfile = {
    ...profile,
    description: `${profile.description} Engine overlays: ${overlays.map((o) => `${o.id} (${o.description})`).join("; ")}.`,
    files: [...new Set(overlays.map((o) => o.file)), ...profile.files],
    classes,
    engineOverlays: overlays.map((o) => o.id),
    ...(Object.keys(included).length > 0 && { includedOperators: included }),
  };
  byKey.set(key, result);
  return result;
}

/** File field → profile field and factor to SI (the profile resolution's table). */
const renamed: Readonly<Record<string, readonly [string, number]>> = UNIT_FIELDS;
/** File fields keyed by format or weight scheme → profile field and factor to SI (merged key by key). */
const keyed: Readonly<
  Record<string, readonly ["computeEfficiency" | "kOverheadElementsByDtype" | "kSerialSByScheme", number]>
> = {
  computeEfficiency: ["computeEfficiency", 1],
  kOverheadElementsByDtype: ["kOverheadElementsByDtype", 1],
  kSerialNsByScheme: ["kSerialSByScheme", NANOSECOND],
};

function overlayClass(
  cls: OperatorClass,
  base: ClassProfile,
  entry: ClassEfficiencyFile,
  overlay: FiledOverlay,
  sources: EngineOverlayFile["sources"],
): ClassProfile {
  const layer = { cls: entry, sources, path: overlay.file, inherited: undefined };
  const value = (raw: SourcedValueFile, parameter: string, scale: number): ProfileValue => {
    const v = toProfileValue(raw, parameter, layer, scale, false);
    const note = `engine overlay ${overlay.id}${raw.note ? `: ${raw.note}` : ""}`;
    return { value: v.value, sources: v.sources, tag: v.tag, note, parameter, defaulted: false };
  };
  const out: Record<string, unknown> = { ...base };
  for (const [key, raw] of Object.entries(entry)) {
    if (raw === undefined) continue;
    const keyedAs = keyed[key];
    if (keyedAs !== undefined) {
      const [field, scale] = keyedAs;
      const merged: Record<string, ProfileValue> = { ...(base[field] ?? {}) };
      for (const [k, v] of Object.entries(raw as Record<string, SourcedValueFile | undefined>))
        if (v !== undefined) merged[k] = value(v, `${cls}.${key}.${k}`, scale);
      out[field] = merged;
      continue;
    }
    const [field, scale] = renamed[key] ?? [key, 1];
    out[field] = value(raw as SourcedValueFile, `${cls}.${key}`, scale);
  }
  return out as unknown as ClassProfile;
}

/**
 * The MoE backend whose overlay a profile carries (the one the scenario names, else the engine's
 * default for the experts' format on that chip): the backend whose kernel chain runs there.
 * @example overlaidMoeBackend("vllm", ["vllm-block-fp8-linear-sm90", "vllm-triton-moe-fp8-sm90"]) // "triton"
 */
export function overlaidMoeBackend(
  engine: string,
  overlayIds: readonly string[] | undefined,
  files: Readonly<Record<string, string>> = embeddedDataFiles,
): string | undefined {
  if (overlayIds === undefined || overlayIds.length === 0) return undefined;
  const overlays = engineOverlaySet(engine, files)?.overlays ?? [];
  return overlays.find((o) => o.backend.kind === "moe" && overlayIds.includes(o.id))?.backend.name;
}
