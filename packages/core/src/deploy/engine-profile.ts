/**
 * Serving-engine profiles (data/engines/<name>.yaml): per release, the scheduler's token budget by
 * HBM size and the MoE communication kernels the engine runs (both applied to a scenario that does
 * not set them), and other policies recorded with their sources but not yet modelled. A scenario's
 * `engine: { name, version }` picks the newest recorded release at or below `version`.
 */

import type { z } from "zod";
import { parseBuiltinData } from "../catalog/index.ts";
import type { ModelFamily } from "../model/index.ts";
import { compareVersions, type EngineSpec, SupernodeError } from "../spec/index.ts";
import { type ChipIdentity, listsChip } from "./chip-identity.ts";
import { type DsaPrefill, dsaPrefillOf } from "./engine-dsa-prefill.ts";
import { type EngineRelease, engineFileSchema } from "./engine-file.ts";
import { type FusedSharedExpertWhere, fusesSharedExpert } from "./engine-fused-shared-expert.ts";
import { type HybridStatePool, statedHybridPool } from "./engine-hybrid-state-schema.ts";
import type { NonMlaScheduler } from "./engine-non-mla-scheduler.ts";
import { type EnginePolicy, releasePolicies } from "./engine-policies.ts";
import { runtimeRelease } from "./engine-runtime.ts";
import { type EngineSampler, samplerOf } from "./engine-sampler.ts";
import { type StaticMemoryWhere, staticMemoryFractionOf } from "./engine-static-memory.ts";
import { releaseSeparateKernels, type SeparateKernels } from "./separate-kernels.ts";

export type { FusedKernels, SeparateKernels } from "./separate-kernels.ts";
export type { EnginePolicy };

export interface EngineProfile {
  readonly name: string;
  readonly displayName: string;
  /** The release whose data is used (`from` of the recorded entry). */
  readonly release: string;
  readonly requestedVersion?: string;
  /** Kernel backends the scenario names (`engine.attentionBackend` / `engine.moeBackend`); absent: the engine's default. */
  readonly attentionBackend?: string;
  readonly moeBackend?: string;
  /** The scheduler's prompt-token budget per iteration for an accelerator with this much HBM. */
  tokenBudget(hbmBytes: number): number | undefined;
  /** The scheduler the release forces on models without MLA attention (none recorded: undefined). */
  readonly nonMlaScheduler?: NonMlaScheduler;
  readonly moeLibrary?: MoeLibraryName;
  /**
   * Whether the MoE under attention TP with expert parallelism runs on a 1/TP slice of the tokens
   * per TP rank and all-gathers its outputs over the TP group afterwards (`moeLibrary.tpOutputGather`).
   */
  readonly moeTpOutputGather: boolean;
  /**
   * The engine's host time per iteration on a chip vendor's devices (undefined where none is
   * recorded): a fixed part and a part per scheduled sequence, per executor process, and whether
   * the overlap scheduler hides it behind the device time — the scenario's `engine.overlapScheduler`,
   * else the release's rule (on by default; off with MTP where the engine turns it off). The
   * per-layer launch time is `modelFamily`'s where the release records one (`perLayerUsByFamily`).
   */
  hostTimeFor(chipVendor: string, withMtp: boolean, modelFamily?: ModelFamily): HostTime | undefined;
  /**
   * Where HCCL expands the engine's collectives on Ascend fabrics: the scenario's
   * `engine.hcclExpansion`, else the release's rule; undefined where the engine records none.
   */
  readonly hcclExpansion?: NonNullable<EngineSpec["hcclExpansion"]>;
  /**
   * How the engine runs a DSA prefill's attention core on a chip vendor's devices (engine-file.ts
   * `dsaPrefill`); undefined where the release records none for the vendor.
   */
  dsaPrefillFor(chip: ChipIdentity & { readonly vendor: string }): DsaPrefill | undefined;
  /**
   * Whether the engine runs the model's shared expert inside the routed fused-MoE kernel there
   * (engine-file.ts `fusedSharedExpert`; the scenario's `engine.moeBackend` can turn it off).
   */
  fusesSharedExpert(where: Omit<FusedSharedExpertWhere, "moeBackend">): boolean;
  /** Batch sizes of the padded CUDA graphs a generation-only iteration replays (none recorded: no padding). */
  readonly cudaGraphBatchSizes?: readonly number[];
  /** Small kernels run unfused on a vendor's devices (none recorded: undefined), under `runningMoeBackend` (the backend whose overlay the step runs), else the named one. */
  separateKernelsFor(chipVendor: string, runningMoeBackend?: string): SeparateKernels | undefined;
  /**
   * The MoE kernels on a chip vendor's devices (the vendor's own entry, else `moeLibrary`), or
   * the all-gather / reduce-scatter fallback where the release records one and `where` says the
   * all-to-all does not run (EP at most the experts per token, or no multi-node NVLink domain).
   */
  moeLibraryFor(chipVendor: string, where?: MoeLibraryWhere): MoeLibraryName | undefined;
  /**
   * The sampler the release runs for the scenario's `engine.sampling` (undefined: greedy, not
   * stated, or none recorded): its kernel benchmark points and the measured chip's HBM bandwidth.
   */
  readonly sampler?: EngineSampler;
  /** The KV-cache format for a checkpoint whose linear weights are in `weights`, if the engine picks one. */
  kvCacheFor(weights: readonly string[]): "fp8" | "bf16" | undefined;
  /** The engine's default share of the free memory given to the KV cache (`serving.kvCache.usableFraction`). */
  readonly kvCacheMemoryFraction?: number;
  /**
   * The engine's default tokens per KV-cache block (`serving.kvCache.blockTokens`) on a chip (or a
   * chip extending it), for a model whose MLA cache holds `mlaCacheDim` values per token (undefined:
   * not MLA); none recorded: undefined.
   */
  kvCacheBlockTokensFor(chip: ChipIdentity, mlaCacheDim: number | undefined): number | undefined;
  /** What the KV cache keeps for a sliding-window layer by default (`serving.kvCache.slidingWindowLayers`). */
  readonly slidingWindowKvCache?: "window" | "full-context";
  /** The prefill kernel of a model without MLA over whole new prompts (engine-file.ts `nonMlaPrefillAttention`). */
  readonly nonMlaPrefillAttention?: "full-square";
  /** What the other attention-DP ranks do in one rank's prefill under speculative decoding (engine-file.ts). */
  readonly speculativeApartPrefill?: "others-idle" | "others-decode";
  /** How the engine splits its cache memory for a hybrid (linear-attention / Mamba) model and caps its running requests. */
  readonly hybridStatePool?: HybridStatePool;
  /** SGLang's mem_fraction_static for a rank (`engine.memFractionStatic`, else the release's rule); undefined: an activation reserve instead. */
  readonly staticMemoryFractionFor?: (where: StaticMemoryWhere) => number;
  readonly policies: readonly EnginePolicy[];
}

/** Host (CPU) time of one iteration of an executor process (perf/host-time.ts). */
export interface HostTime {
  /** Fixed host time per iteration (s). */
  readonly perIterationS: number;
  /** Host time per sequence the process schedules in the iteration (s). */
  readonly perSequenceS: number;
  /** The same for a process that is one of several attention-DP ranks (s; perSequenceS when not recorded). */
  readonly perSequenceAttentionDpS: number;
  /** Whether the host prepares iteration n + 1 while the device runs iteration n. */
  readonly overlapsGpu: boolean;
  /** Host time to launch one layer of a forward not replayed as one full graph (s; 0: not recorded). */
  readonly perLayerS: number;
  /** Device time lost per layer of a forward not replayed as one full graph (s; 0: not recorded). */
  readonly perLayerDeviceS: number;
  /** Whether decode-only iterations replay one full graph (no per-layer launch on the host). */
  readonly decodeFullGraph: boolean;
  /** The same for a model with chunked local attention layers (Llama 4). */
  readonly chunkedAttentionDecodeFullGraph: boolean;
}

type MoeLibraryName = "cann-ep" | "cann-mc2" | "deepep" | "nvlink-one-sided" | "allgather-reducescatter";

/** What the engine's choice of MoE communication depends on. */
export interface MoeLibraryWhere {
  /** Expert-parallel degree of the group. */
  readonly ep: number;
  /** Routed experts per token. */
  readonly topK: number;
  /** Whether the scale-up (NVLink) domain spans several nodes (GB200 NVL72's trays), not one server. */
  readonly multiNodeScaleUp: boolean;
}

type EngineFile = z.output<typeof engineFileSchema>;

/**
 * The release a scenario's engine runs: the newest recorded at or below `spec.version` (default:
 * the newest); refuses a version older than every record, and `overlapScheduler` where the release
 * records no host time it could hide or expose.
 */
function releaseFor(file: EngineFile, spec: EngineSpec): EngineRelease {
  const sorted = [...file.releases].sort((a, b) => compareVersions(a.from, b.from));
  const version = spec.version;
  const eligible =
    version === undefined ? sorted : sorted.filter((r) => compareVersions(r.from, version) <= 0);
  const release = eligible[eligible.length - 1];
  if (release === undefined)
    throw new SupernodeError(
      "invalid-value",
      `no data is recorded for ${file.name} before ${sorted[0]?.from} (asked for ${version}); recorded releases: ${sorted.map((r) => r.from).join(", ")}`,
      { fieldPath: ["engine", "version"] },
    );
  if (spec.overlapScheduler !== undefined && release.hostTime === undefined)
    throw new SupernodeError(
      "invalid-value",
      `${file.name} ${release.from} records no host time for an overlap scheduler to hide or expose (data/engines/${spec.name}.yaml: no hostTime); leave engine.overlapScheduler out`,
      { fieldPath: ["engine", "overlapScheduler"] },
    );
  if (spec.hcclExpansion !== undefined && release.hcclExpansion === undefined)
    throw new SupernodeError(
      "invalid-value",
      `${file.name} ${release.from} records no HCCL expansion mode (data/engines/${spec.name}.yaml: no hcclExpansion); leave engine.hcclExpansion out`,
      { fieldPath: ["engine", "hcclExpansion"] },
    );
  for (const field of ["mambaSchedulerStrategy", "disableRadixCache"] as const)
    if (spec[field] !== undefined && release.hybridStatePool?.strategies === undefined)
      throw new SupernodeError(
        "invalid-value",
        `${file.name} ${release.from} records no hybrid-model state-pool strategies (data/engines/${spec.name}.yaml: no hybridStatePool.strategies); leave engine.${field} out`,
        { fieldPath: ["engine", field] },
      );
  if (spec.memFractionStatic !== undefined && release.staticMemoryFraction === undefined)
    throw new SupernodeError(
      "invalid-value",
      `${file.name} ${release.from} sizes its KV cache after an activation reserve, not from a static memory fraction (data/engines/${spec.name}.yaml: no staticMemoryFraction); leave engine.memFractionStatic out (serving.kvCache.usableFraction sets the cache's share)`,
      { fieldPath: ["engine", "memFractionStatic"] },
    );
  if (spec.decodeGraph !== undefined && release.hostTime?.perLayerUs === undefined)
    throw new SupernodeError(
      "invalid-value",
      `${file.name} ${release.from} records no per-layer launch time for a graph mode to expose (data/engines/${spec.name}.yaml: no hostTime.perLayerUs); leave engine.decodeGraph out`,
      { fieldPath: ["engine", "decodeGraph"] },
    );
  return release;
}

/**
 * @example engineProfile({ name: "sglang" }).tokenBudget(141e9) // 8192
 */
export function engineProfile(spec: EngineSpec): EngineProfile {
  const file = parseBuiltinData(`engines/${spec.name}.yaml`, engineFileSchema);
  const release = runtimeRelease(releaseFor(file, spec), file.name, spec);
  const version = spec.version;
  const source = (key: string) => {
    const s = file.sources.find((x) => x.key === key);
    return s !== undefined ? `${s.title}, ${s.url}${s.section !== undefined ? ` (${s.section})` : ""}` : key;
  };
  const policies = releasePolicies(release, source, spec);
  const budget = release.tokenBudget;
  const kv = release.kvCacheForQuantized;
  const fraction = release.kvCacheMemoryFraction;
  const sampler = samplerOf(release, spec);
  const separateByVendor = new Map<string, SeparateKernels | undefined>();
  return {
    name: file.engine,
    displayName: file.name,
    release: release.from,
    ...(version !== undefined ? { requestedVersion: version } : {}),
    ...(spec.attentionBackend !== undefined ? { attentionBackend: spec.attentionBackend } : {}),
    ...(spec.moeBackend !== undefined ? { moeBackend: spec.moeBackend } : {}),
    tokenBudget: (hbmBytes) => {
      if (budget === undefined) return undefined;
      const gb = hbmBytes / 2 ** 30;
      return (
        budget.tiers.find((t) => t.hbmBelowGB === undefined || gb < t.hbmBelowGB) ??
        budget.tiers[budget.tiers.length - 1]
      )?.tokens;
    },
    ...(release.nonMlaScheduler !== undefined ? { nonMlaScheduler: release.nonMlaScheduler } : {}),
    ...(release.moeLibrary !== undefined ? { moeLibrary: release.moeLibrary.value } : {}),
    moeTpOutputGather: release.moeLibrary?.tpOutputGather !== undefined,
    hostTimeFor: (chipVendor, withMtp, modelFamily) => {
      const h = release.hostTime;
      if (h === undefined || (h.chipVendors !== undefined && !h.chipVendors.includes(chipVendor)))
        return undefined;
      const o = h.overlapScheduler;
      const decodeGraph = spec.decodeGraph ?? release.decodeGraph?.value ?? "full";
      return {
        perIterationS: (h.perIterationUs?.value ?? 0) / 1e6,
        perSequenceS: (h.perSequenceUs?.value ?? 0) / 1e6,
        perSequenceAttentionDpS: (h.perSequenceUsAttentionDp?.value ?? h.perSequenceUs?.value ?? 0) / 1e6,
        // The scenario's engine.overlapScheduler (SGLang --disable-overlap-schedule, TensorRT-LLM
        // disable_overlap_scheduler) wins over the release's rule.
        overlapsGpu: spec.overlapScheduler ?? (o.value && !(o.offWithMtp === true && withMtp)),
        // The model family's own launch time where the release records one (its kernels per layer).
        perLayerS:
          ((modelFamily !== undefined ? h.perLayerUsByFamily?.[modelFamily]?.value : undefined) ??
            h.perLayerUs?.value ??
            0) / 1e6,
        perLayerDeviceS: (h.perLayerDeviceUs?.value ?? 0) / 1e6,
        decodeFullGraph: decodeGraph === "full",
        chunkedAttentionDecodeFullGraph:
          (spec.decodeGraph ?? release.chunkedAttentionDecodeGraph?.value ?? decodeGraph) === "full",
      };
    },
    // (releaseFor refuses the scenario's field where the release records no mode)
    ...(release.hcclExpansion !== undefined
      ? { hcclExpansion: spec.hcclExpansion ?? release.hcclExpansion.value }
      : {}),
    ...(release.cudaGraphBatchSizes !== undefined
      ? { cudaGraphBatchSizes: release.cudaGraphBatchSizes.value }
      : {}),
    dsaPrefillFor: (chip) => dsaPrefillOf(release, chip),
    fusesSharedExpert: (where) =>
      fusesSharedExpert(release.fusedSharedExpert, {
        ...where,
        ...(spec.moeBackend !== undefined ? { moeBackend: spec.moeBackend } : {}),
      }),
    separateKernelsFor: (chipVendor, runningMoeBackend) => {
      // one policy object per vendor and MoE backend (the step model asks once per step)
      const backend = runningMoeBackend ?? spec.moeBackend;
      const key = `${chipVendor}/${backend ?? ""}`;
      if (!separateByVendor.has(key))
        separateByVendor.set(key, releaseSeparateKernels(release, chipVendor, backend));
      return separateByVendor.get(key);
    },
    moeLibraryFor: (chipVendor, where) => {
      const lib = release.moeLibrary;
      if (
        lib?.allGatherFallback !== undefined &&
        where !== undefined &&
        (where.ep <= where.topK || !where.multiNodeScaleUp)
      )
        return "allgather-reducescatter";
      return lib?.byChipVendor?.find((v) => v.chipVendor === chipVendor)?.value ?? lib?.value;
    },
    kvCacheFor: (weights) =>
      kv !== undefined && weights.some((w) => (kv.weights as readonly string[]).includes(w))
        ? kv.value
        : undefined,
    ...(fraction !== undefined ? { kvCacheMemoryFraction: fraction.value } : {}),
    ...staticMemoryFractionOf(release.staticMemoryFraction, spec.memFractionStatic),
    ...(release.hybridStatePool !== undefined
      ? { hybridStatePool: statedHybridPool(release.hybridStatePool, spec) }
      : {}),
    kvCacheBlockTokensFor: (chip, mlaCacheDim) => {
      const b = release.kvCacheBlockTokens;
      const f = b?.flashMla;
      return f !== undefined && f.mlaCacheDim === mlaCacheDim && listsChip(f.chips, chip)
        ? f.value
        : b?.value;
    },
    ...(release.nonMlaPrefillAttention !== undefined
      ? { nonMlaPrefillAttention: release.nonMlaPrefillAttention.value }
      : {}),
    ...(release.slidingWindowKvCache !== undefined
      ? { slidingWindowKvCache: release.slidingWindowKvCache.value }
      : {}),
    ...(release.speculativeApartPrefill !== undefined
      ? { speculativeApartPrefill: release.speculativeApartPrefill.value }
      : {}),
    ...(sampler !== undefined ? { sampler } : {}),
    policies,
  };
}
