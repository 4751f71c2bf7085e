/**
 * Serving-engine profiles (data/engines/<name>.yaml): per release, the scheduler's token budget by
 * HBM size and the MoE communication kernels the engine runs (both applied to a scenario that does
 * not set them), and other policies recorded with their sources but not yet modelled. A scenario's
 * `engine: { name, version }` picks the newest recorded release at or below `version`.
 */
import { z } from "zod";
import { parseBuiltinData } from "../catalog/builtin-data.ts";
import type { EngineSpec } from "../spec/engine-schema.ts";
import { SupernodeError } from "../spec/errors.ts";

const tag = z.enum(["measured", "spec", "estimate", "derived", "assumption"]);
const releaseSchema = z.strictObject({
  from: z.string(),
  tokenBudget: z
    .strictObject({
      tiers: z
        .array(
          z.strictObject({
            hbmBelowGB: z.number().positive().optional(),
            tokens: z.number().int().positive(),
          }),
        )
        .min(1),
      source: z.string(),
      tag,
      note: z.string().optional(),
    })
    .optional(),
  moeLibrary: z
    .strictObject({
      value: z.enum(["cann-ep", "cann-mc2", "deepep", "nvlink-one-sided"]),
      source: z.string(),
      tag,
      note: z.string().optional(),
      /**
       * The engine's all-to-all only runs when the expert-parallel degree exceeds the experts per
       * token and the NVLink domain spans several nodes (multi-node NVLink); otherwise the MoE
       * inputs are all-gathered over the attention-DP ranks and the outputs reduce-scattered.
       */
      allGatherFallback: z
        .strictObject({
          source: z.string(),
          tag,
          note: z.string().optional(),
        })
        .optional(),
      /** The engine's kernels on another vendor's chips (SGLang's DeepEP on Ascend is DeepEP-Ascend). */
      byChipVendor: z
        .array(
          z.strictObject({
            chipVendor: z.string(),
            value: z.enum(["cann-ep", "cann-mc2", "deepep", "nvlink-one-sided"]),
            source: z.string(),
            tag,
            note: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  /**
   * The KV-cache format the engine stores for a checkpoint whose linear layers are quantized to one
   * of `weights`, when the scenario does not write `precision.kvCache`.
   */
  kvCacheForQuantized: z
    .strictObject({
      value: z.enum(["fp8", "bf16"]),
      weights: z.array(z.enum(["fp8", "fp4", "int8"])).min(1),
      source: z.string(),
      tag,
      note: z.string().optional(),
    })
    .optional(),
  /** Share of the memory left after weights and activations that the engine gives the KV cache. */
  kvCacheMemoryFraction: z
    .strictObject({
      value: z.number().gt(0).max(1),
      source: z.string(),
      tag,
      note: z.string().optional(),
    })
    .optional(),
  /**
   * Small kernels the engine runs on their own, outside the GEMMs and MoE transfers (on the chips of
   * `chipVendors`): a per-token-group activation quantisation before each 8-bit GEMM whose input is
   * produced at higher precision, and with MoE normal (throughput) kernels the permutation of received
   * tokens into the grouped GEMM's contiguous layout and the weighted gather back.
   */
  separateKernels: z
    .strictObject({
      chipVendors: z.array(z.string()).min(1),
      activationQuant: z
        .strictObject({ groupSize: z.number().int().positive(), scaleBytes: z.number().positive() })
        .optional(),
      expertPermute: z.boolean().optional(),
      mlaKeyConcat: z.boolean().optional(),
      source: z.string(),
      tag,
      note: z.string().optional(),
    })
    .optional(),
  /** Host time between two decode iterations that the NPU/GPU sits idle (scheduler, sampling hand-off). */
  iterationGapMs: z
    .strictObject({ value: z.number().nonnegative(), source: z.string(), tag, note: z.string().optional() })
    .optional(),
  recorded: z
    .array(
      z.strictObject({
        policy: z.string(),
        value: z.string(),
        source: z.string(),
        tag,
        note: z.string().optional(),
      }),
    )
    .optional(),
});
const fileSchema = z.strictObject({
  engine: z.string(),
  name: z.string(),
  sources: z.array(
    z.strictObject({ key: z.string(), title: z.string(), url: z.string(), section: z.string().optional() }),
  ),
  releases: z.array(releaseSchema).min(1),
});

export interface EnginePolicy {
  readonly policy: string;
  readonly value: string;
  /** Title and URL of the source. */
  readonly source: string;
  /** Whether the model applies it (else recorded only). */
  readonly modelled: boolean;
}

export interface EngineProfile {
  readonly name: string;
  readonly displayName: string;
  /** The release whose data is used (`from` of the recorded entry). */
  readonly release: string;
  readonly requestedVersion?: string;
  /** The scheduler's prompt-token budget per iteration for an accelerator with this much HBM. */
  tokenBudget(hbmBytes: number): number | undefined;
  readonly moeLibrary?: MoeLibraryName;
  /** Idle time between two decode iterations (seconds), where the engine's release records one. */
  readonly iterationGapS?: number;
  /** The small kernels the engine runs unfused on a chip vendor's devices (none recorded: undefined). */
  separateKernelsFor(chipVendor: string): SeparateKernels | undefined;
  /**
   * The MoE kernels on a chip vendor's devices (the vendor's own entry, else `moeLibrary`), or
   * the all-gather / reduce-scatter fallback where the release records one and `where` says the
   * all-to-all does not run (EP at most the experts per token, or no multi-node NVLink domain).
   */
  moeLibraryFor(chipVendor: string, where?: MoeLibraryWhere): MoeLibraryName | undefined;
  /** The KV-cache format for a checkpoint whose linear weights are in `weights`, if the engine picks one. */
  kvCacheFor(weights: readonly string[]): "fp8" | "bf16" | undefined;
  /** The engine's default share of the free memory given to the KV cache (`serving.kvCache.usableFraction`). */
  readonly kvCacheMemoryFraction?: number;
  readonly policies: readonly EnginePolicy[];
}

/** Small kernels an engine runs on their own (see `separateKernels` in data/engines/*.yaml). */
export interface SeparateKernels {
  /** Per-token-group quantisation before 8-bit GEMMs: elements per scale and bytes per scale. */
  readonly activationQuant?: { readonly groupSize: number; readonly scaleBytes: number };
  /** Token permutation into the grouped GEMM's layout and the weighted gather back (normal MoE kernels). */
  readonly expertPermute: boolean;
  /** MLA prefill (naive form): the per-head keys assembled by copy kernels before the attention kernel. */
  readonly mlaKeyConcat: boolean;
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

const compareVersions = (a: string, b: string): number => {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/**
 * @example engineProfile({ name: "sglang" }).tokenBudget(141e9) // 8192
 */
export function engineProfile(spec: EngineSpec): EngineProfile {
  const file = parseBuiltinData(`engines/${spec.name}.yaml`, fileSchema);
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
  const source = (key: string) => {
    const s = file.sources.find((x) => x.key === key);
    return s !== undefined ? `${s.title}, ${s.url}${s.section !== undefined ? ` (${s.section})` : ""}` : key;
  };
  const policies: EnginePolicy[] = [];
  const budget = release.tokenBudget;
  if (budget !== undefined)
    policies.push({
      policy: "scheduler token budget",
      value: budget.tiers
        .map((t) => (t.hbmBelowGB !== undefined ? `${t.tokens} below ${t.hbmBelowGB} GB` : `${t.tokens}`))
        .join(", "),
      source: source(budget.source),
      modelled: true,
    });
  if (release.moeLibrary !== undefined) {
    policies.push({
      policy: "MoE all-to-all kernels",
      value: release.moeLibrary.value,
      source: source(release.moeLibrary.source),
      modelled: true,
    });
    const fallback = release.moeLibrary.allGatherFallback;
    if (fallback !== undefined)
      policies.push({
        policy:
          "MoE communication without the all-to-all (EP at most the experts per token, or one-node NVLink)",
        value: "allgather-reducescatter",
        source: source(fallback.source),
        modelled: true,
      });
    for (const v of release.moeLibrary.byChipVendor ?? [])
      policies.push({
        policy: `MoE all-to-all kernels on ${v.chipVendor} chips`,
        value: v.value,
        source: source(v.source),
        modelled: true,
      });
  }
  const kv = release.kvCacheForQuantized;
  if (kv !== undefined)
    policies.push({
      policy: "KV cache of a quantized checkpoint",
      value: `${kv.value} when the linear weights are ${kv.weights.join(" or ")}`,
      source: source(kv.source),
      modelled: true,
    });
  const fraction = release.kvCacheMemoryFraction;
  if (fraction !== undefined)
    policies.push({
      policy: "KV cache share of free memory",
      value: `${fraction.value}`,
      source: source(fraction.source),
      modelled: true,
    });
  if (release.iterationGapMs !== undefined)
    policies.push({
      policy: "idle time between decode iterations",
      value: `${release.iterationGapMs.value} ms`,
      source: source(release.iterationGapMs.source),
      modelled: true,
    });
  const separate = release.separateKernels;
  if (separate !== undefined)
    policies.push({
      policy: `separate small kernels on ${separate.chipVendors.join(", ")} chips`,
      value: [
        separate.activationQuant !== undefined
          ? `activation quantisation per ${separate.activationQuant.groupSize} elements`
          : undefined,
        separate.expertPermute === true ? "expert token permute / gather (normal MoE kernels)" : undefined,
        separate.mlaKeyConcat === true ? "MLA prefill key assembly" : undefined,
      ]
        .filter((x) => x !== undefined)
        .join("; "),
      source: source(separate.source),
      modelled: true,
    });
  for (const r of release.recorded ?? [])
    policies.push({ policy: r.policy, value: r.value, source: source(r.source), modelled: false });
  return {
    name: file.engine,
    displayName: file.name,
    release: release.from,
    ...(version !== undefined ? { requestedVersion: version } : {}),
    tokenBudget: (hbmBytes) => {
      if (budget === undefined) return undefined;
      const gb = hbmBytes / 2 ** 30;
      return (
        budget.tiers.find((t) => t.hbmBelowGB === undefined || gb < t.hbmBelowGB) ??
        budget.tiers[budget.tiers.length - 1]
      )?.tokens;
    },
    ...(release.moeLibrary !== undefined ? { moeLibrary: release.moeLibrary.value } : {}),
    ...(release.iterationGapMs !== undefined ? { iterationGapS: release.iterationGapMs.value / 1000 } : {}),
    separateKernelsFor: (chipVendor) =>
      separate?.chipVendors.includes(chipVendor)
        ? {
            ...(separate.activationQuant !== undefined ? { activationQuant: separate.activationQuant } : {}),
            expertPermute: separate.expertPermute === true,
            mlaKeyConcat: separate.mlaKeyConcat === true,
          }
        : undefined,
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
    policies,
  };
}
