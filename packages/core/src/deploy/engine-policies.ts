/**
 * The policy lines of an engine release (what `estimate` and `validate` list under the engine):
 * every value the model applies, then the ones only recorded, each with its source.
 */
import type { EngineRelease } from "./engine-file.ts";

export interface EnginePolicy {
  readonly policy: string;
  readonly value: string;
  /** Title and URL of the source. */
  readonly source: string;
  /** Whether the model applies it (else recorded only). */
  readonly modelled: boolean;
}

/**
 * The release's policies; `source` turns a source key into its title and URL.
 * @example releasePolicies(release, (k) => k)[0]?.policy // "scheduler token budget"
 */
export function releasePolicies(release: EngineRelease, source: (key: string) => string): EnginePolicy[] {
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
  return policies;
}
