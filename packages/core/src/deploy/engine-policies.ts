/**
 * The policy lines of an engine release (what `estimate` and `validate` list under the engine):
 * every value the model applies, then the ones only recorded, each with its source.
 */
import type { EngineSpec } from "../spec/index.ts";
import type { EngineRelease } from "./engine-file.ts";
import { type HybridStatePool, runningRequestSlots, statedHybridPool } from "./engine-hybrid-state-schema.ts";
import {
  type MoePrologue,
  moeBackendChain,
  type SeparateKernelsEntry,
  separateKernelsEntries,
} from "./separate-kernels.ts";

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
export function releasePolicies(
  release: EngineRelease,
  source: (key: string) => string,
  scenario: Pick<
    EngineSpec,
    | "decodeGraph"
    | "hcclExpansion"
    | "moeBackend"
    | "mambaSchedulerStrategy"
    | "disableRadixCache"
    | "runtime"
  > = {},
): EnginePolicy[] {
  const policies: EnginePolicy[] = [];
  const applied = (policy: string, value: string, sourceKey: string) =>
    policies.push({ policy, value, source: source(sourceKey), modelled: true });
  const trt = release.tensorrtRuntime;
  if (trt !== undefined)
    applied(
      "runtime",
      scenario.runtime === "tensorrt"
        ? "TensorRT engines under the C++ executor (the scenario's engine.runtime): no PyTorch-executor host time, no CUDA-graph padding"
        : "PyTorch backend (engine.runtime tensorrt: TensorRT engines under the C++ executor)",
      trt.source,
    );
  const budget = release.tokenBudget;
  if (budget !== undefined)
    applied(
      "scheduler token budget",
      budget.tiers
        .map((t) => (t.hbmBelowGB !== undefined ? `${t.tokens} below ${t.hbmBelowGB} GB` : `${t.tokens}`))
        .join(", ")
        .concat(
          release.nonMlaScheduler !== undefined ? " (models with MLA; raised for the others, below)" : "",
        ),
      budget.source,
    );
  const nonMla = release.nonMlaScheduler;
  if (nonMla !== undefined)
    applied(
      "scheduler forced on models without MLA",
      "whole prompts in prefill iterations of their own (no chunked prefill), token budget raised to the model's context",
      nonMla.source,
    );
  const moe = release.moeLibrary;
  if (moe !== undefined) {
    applied("MoE all-to-all kernels", moe.value, moe.source);
    if (moe.allGatherFallback !== undefined)
      applied(
        "MoE communication without the all-to-all (EP at most the experts per token, or one-node NVLink)",
        "allgather-reducescatter",
        moe.allGatherFallback.source,
      );
    if (moe.tpOutputGather !== undefined)
      applied(
        "MoE under attention TP with expert parallelism",
        "tokens split over the TP ranks before dispatch, outputs all-gathered over TP after combine",
        moe.tpOutputGather.source,
      );
    for (const v of moe.byChipVendor ?? [])
      applied(`MoE all-to-all kernels on ${v.chipVendor} chips`, v.value, v.source);
  }
  const kv = release.kvCacheForQuantized;
  if (kv !== undefined)
    applied(
      "KV cache of a quantized checkpoint",
      `${kv.value} when the linear weights are ${kv.weights.join(" or ")}`,
      kv.source,
    );
  const fraction = release.kvCacheMemoryFraction;
  if (fraction !== undefined) applied("KV cache share of free memory", `${fraction.value}`, fraction.source);
  const hybrid = release.hybridStatePool;
  if (hybrid !== undefined)
    applied(
      "hybrid (linear-attention / Mamba) model: state pool and running requests",
      `state : KV memory ${hybrid.stateToKvMemoryRatio}, ${hybridSlotsText(statedHybridPool(hybrid, scenario))}`,
      hybrid.source,
    );
  const block = release.kvCacheBlockTokens;
  if (block !== undefined)
    applied(
      "tokens per KV-cache block",
      `${block.value}${block.flashMla !== undefined ? ` (${block.flashMla.value} for an MLA cache of ${block.flashMla.mlaCacheDim} values on ${block.flashMla.chips.join(", ")})` : ""}`,
      block.source,
    );
  const windowed = release.slidingWindowKvCache;
  if (windowed !== undefined)
    applied(
      "KV cache of a sliding-window layer",
      windowed.value === "window" ? "the window's tokens" : "the full context (attention reads the window)",
      windowed.source,
    );
  const host = release.hostTime;
  if (host !== undefined) {
    const on = host.chipVendors !== undefined ? ` on ${host.chipVendors.join(", ")} chips` : "";
    const fixed = host.perIterationUs;
    if (fixed !== undefined) applied(`host time per iteration${on}`, `${fixed.value} µs`, fixed.source);
    const perSeq = host.perSequenceUs;
    if (perSeq !== undefined)
      applied(`host time per scheduled sequence per iteration${on}`, `${perSeq.value} µs`, perSeq.source);
    const perSeqDp = host.perSequenceUsAttentionDp;
    if (perSeqDp !== undefined)
      applied(
        `host time per scheduled sequence per iteration of an attention-DP rank (DP > 1)${on}`,
        `${perSeqDp.value} µs`,
        perSeqDp.source,
      );
    const perLayer = host.perLayerUs;
    if (perLayer !== undefined)
      applied(
        `host time per layer of a forward not replayed as one full graph${on}`,
        `${perLayer.value} µs`,
        perLayer.source,
      );
    for (const [family, v] of Object.entries(host.perLayerUsByFamily ?? {}))
      applied(
        `host time per layer of a forward not replayed as one full graph, ${family} models${on}`,
        `${v.value} µs`,
        v.source,
      );
    const perLayerDevice = host.perLayerDeviceUs;
    if (perLayerDevice !== undefined)
      applied(
        `device time lost per layer of a piecewise forward${on}`,
        `${perLayerDevice.value} µs`,
        perLayerDevice.source,
      );
    const o = host.overlapScheduler;
    applied(
      "overlap scheduler (host time hidden behind the device's previous iteration)",
      `${o.value ? "on" : "off"}${o.value && o.offWithMtp === true ? ", off with MTP / speculative decoding" : ""}`,
      o.source,
    );
  }
  // A choice the scenario's engine block may override: the value in words, and who chose it.
  const choice = <V extends string>(
    policy: string,
    rule: { readonly value: V; readonly source: string } | undefined,
    field: "decodeGraph" | "hcclExpansion",
    override: V | undefined,
    words: Record<V, string>,
  ) => {
    if (rule === undefined) return;
    const by = override !== undefined ? ` (the scenario's engine.${field})` : "";
    applied(policy, `${words[override ?? rule.value]}${by}`, rule.source);
  };
  const graphWords = {
    full: "one full graph",
    piecewise: "piecewise graph (attention eager between captured pieces)",
  };
  choice("decode-only iterations", release.decodeGraph, "decodeGraph", scenario.decodeGraph, graphWords);
  choice(
    "decode-only iterations of a model with chunked local attention",
    release.chunkedAttentionDecodeGraph,
    "decodeGraph",
    scenario.decodeGraph,
    graphWords,
  );
  choice(
    "HCCL collectives on Ascend expanded on",
    release.hcclExpansion,
    "hcclExpansion",
    scenario.hcclExpansion,
    {
      aicpu: "the AI CPU (hccl-aicpu fixed cost per call)",
      aiv: "the AIV cores",
    },
  );
  const sampler = release.sampler;
  if (sampler !== undefined)
    for (const [part, curves] of [
      ["top-p path", sampler.measurements],
      ["rest of the sampling call", sampler.rest !== undefined ? [sampler.rest] : []],
    ] as const)
      for (const c of curves)
        applied(
          `sampler with top-p (engine.sampling top-p / top-k-top-p): ${part}`,
          `${sampler.kind}, ${c.points.map((p) => `${p.ms} ms at ${p.batch} × ${p.vocab}`).join(", ")} on ${c.chip}`,
          c.source,
        );
  const graphs = release.cudaGraphBatchSizes;
  if (graphs !== undefined)
    applied(
      "CUDA-graph padding of generation-only iterations (per attention-DP rank, to the busiest rank's batch)",
      `captured batch sizes ${graphs.value.join(", ")}`,
      graphs.source,
    );
  for (const separate of separateKernelsEntries(release))
    applied(
      `separate small kernels on ${separate.chipVendors.join(", ")} chips`,
      [
        separate.activationQuant !== undefined
          ? `activation quantisation per ${separate.activationQuant.groupSize} elements`
          : undefined,
        separate.expertPermute === true ? "expert token permute / gather (normal MoE kernels)" : undefined,
        moePrologueLine(separate, scenario.moeBackend),
        separate.mlaKeyConcat === true ? "MLA prefill key assembly" : undefined,
        separate.mlaOutputCopy === true ? "MLA prefill output copy" : undefined,
      ]
        .filter((x) => x !== undefined)
        .join("; "),
      separate.source,
    );
  for (const r of release.recorded ?? [])
    policies.push({ policy: r.policy, value: r.value, source: source(r.source), modelled: false });
  return policies;
}

/** The MoE op's prologue of the scenario's MoE backend (its own chain where the release records one). */
function moePrologueLine(separate: SeparateKernelsEntry, moeBackend: string | undefined): string | undefined {
  const { backend, prologue: pro } = moeBackendChain(separate, moeBackend);
  if (pro === undefined) return undefined;
  const setup = pro.gemmSetupKernels ?? 0;
  const fused = (backend?.fusedKernels ?? []).flatMap((f) => f.operators);
  return [
    backend !== undefined ? `MoE backend ${moeBackend}: routing` : "MoE op prologue: expert sort",
    pro.fusedMaxTokens === 0
      ? ` (${pro.unfusedKernels} kernels at every size)`
      : ` (1 kernel up to ${pro.fusedMaxTokens} tokens${smallSortText(pro)}, else ${pro.unfusedKernels})`,
    pro.expertWeights !== undefined ? ` for ${pro.expertWeights.join(" / ")} routed experts` : "",
    pro.expandKernel === false
      ? ", the first grouped GEMM gathers its rows"
      : pro.expandInRouting === true
        ? " with the input expansion in the same kernel"
        : " and input expansion",
    setup > 0 ? `, grouped-GEMM argument setup (${setup} kernel${setup === 1 ? "" : "s"})` : "",
    fused.length > 0 ? `, fused: ${fused.join(", ")}` : "",
    pro.quantizeBeforeComm === true ? ", MoE input quantised before an 8-/4-bit gather or all-to-all" : "",
    pro.expertInputQuant === true ? ", both grouped GEMMs' inputs quantised by kernels of their own" : "",
    pro.gateOnGatheredTokens === true ? ", gate and top-k over the attention-DP all-gather's tokens" : "",
    pro.onlyWithoutExpertParallel === true
      ? ", prologue and expert input quantisation only without expert parallelism (EP 1)"
      : "",
    pro.epRoutingKernels !== undefined
      ? `, routing cut to the rank's experts at EP > 1 (${pro.epRoutingKernels} kernels)`
      : "",
    pro.expertMapKernels !== undefined
      ? `, expert ids mapped to the rank's at EP > 1 (${pro.expertMapKernels} kernel${pro.expertMapKernels === 1 ? "" : "s"})`
      : "",
    pro.inputPadColumns !== undefined ? `, input padded to ${pro.inputPadColumns} columns (one copy)` : "",
    pro.scaleReswizzleKernels !== undefined
      ? `, NVFP4 scale factors re-swizzled after an all-gather (${pro.scaleReswizzleKernels} kernels)`
      : "",
    pro.blockScaleGroupWalk === true
      ? ", FP8 block-scale grouped GEMMs walk every local expert's offsets (DeepGEMM GroupedWithOffset)"
      : "",
    pro.scalePadding !== undefined
      ? `, NVFP4 scale-factor padding zeroed for ${pro.scalePadding.rowsPerExpert} rows per local expert (expansion and activation)`
      : "",
  ].join("");
}

/** The small-batch sort's other limits (vLLM's moe_align_block_size), if any. */
function smallSortText(pro: MoePrologue): string {
  const pairs = pro.fusedMaxPairs !== undefined ? ` and under ${pro.fusedMaxPairs} routed pairs` : "";
  const experts =
    pro.fusedMaxExperts !== undefined ? ` in a model of at most ${pro.fusedMaxExperts} experts` : "";
  return pairs + experts;
}

/** The state slots per running request the release and the scenario's stated strategy give (runningRequestSlots). */
function hybridSlotsText(pool: HybridStatePool): string {
  const slots = (overlapScheduler: boolean) => runningRequestSlots(pool, overlapScheduler);
  const s = pool.stated;
  if (s?.radixCacheOff === true) return `radix cache off: ${slots(true)} state slot per running request`;
  if (s?.strategy === "no_buffer") return `no_buffer: ${slots(true)} state slots per running request`;
  if (s?.strategy === "extra_buffer")
    return `extra_buffer: ${slots(true)} state slots per running request with the overlap scheduler, ${slots(false)} without`;
  return `${slots(true)} state slots per running request`;
}
