/**
 * The small kernels a serving engine runs on their own, and those it fuses into others, as a
 * release of data/engines/<name>.yaml records them (`separateKernels`), for the MoE backend the
 * scenario names (`engine.moeBackend`: a backend's own prologue and fusions replace the default's).
 */
import type { z } from "zod";
import type { Dtype } from "../hardware/index.ts";
import type { QuantScheme } from "../model/index.ts";
import type { EngineRelease } from "./engine-file.ts";
import type { moePrologueSchema, separateKernelsSchema } from "./engine-separate-kernels-schema.ts";

/** One `separateKernels` entry of a release (the chain on the chips of its `chipVendors`). */
export type SeparateKernelsEntry = z.output<typeof separateKernelsSchema>;

/**
 * The release's `separateKernels` entries (one written as an object is a list of one).
 * @example separateKernelsEntries(release).flatMap((e) => e.chipVendors) // ["NVIDIA", "Huawei"]
 */
export function separateKernelsEntries(release: EngineRelease): readonly SeparateKernelsEntry[] {
  const s = release.separateKernels;
  if (s === undefined) return [];
  return Array.isArray(s) ? s : [s];
}

/**
 * The MoE op's own prologue before its first grouped GEMM (TensorRT-LLM's MoE backends), as its
 * schema reads it (engine-separate-kernels-schema.ts documents each field).
 */
export type MoePrologue = Readonly<z.output<typeof moePrologueSchema>>;

/** Small kernels an engine runs on their own (see `separateKernels` in data/engines/*.yaml). */
export interface SeparateKernels {
  /** Per-token-group quantisation before 8-bit GEMMs: elements per scale and bytes per scale. */
  readonly activationQuant?: {
    readonly groupSize: number;
    readonly scaleBytes: number;
    /** GEMMs that read their BF16 input as it is (no quantisation kernel before them). */
    readonly skip?: readonly string[];
    /** Only dense GEMMs whose weights are in one of these schemes get the kernel (absent: every 8-bit GEMM). */
    readonly schemes?: readonly QuantScheme[];
    /** true: the MoE op quantises inside its own (measured) time: no dispatch or expert quantisation kernels. */
    readonly denseOnly?: boolean;
  };
  /** Token permutation into the grouped GEMM's layout and the weighted gather back (normal MoE kernels). */
  readonly expertPermute: boolean;
  /** The MoE op's prologue (expert sort or routing, expansion of the input rows, GEMM arguments). */
  readonly moePrologue?: MoePrologue;
  /** MLA prefill (naive form): the per-head keys assembled by copy kernels before the attention kernel. */
  readonly mlaKeyConcat: boolean;
  /** Kernels of that key assembly (absent: 2, SGLang's two slice copies; vLLM's torch.cat is 1). */
  readonly mlaKeyConcatKernels?: number;
  /** MLA prefill (naive form): the attention output copied into the layer's output buffer. */
  readonly mlaOutputCopy?: boolean;
  /** The shared expert's output added to the routed output by a kernel of its own after the MoE. */
  readonly sharedExpertAdd?: boolean;
  /** Weight-only GEMMs dequantise their weights into a global-memory workspace the matrix unit then reads. */
  readonly antiquantWorkspace?: boolean;
  /** Layer operators whose work runs inside another kernel (no launch of their own), and when. */
  readonly fusedKernels?: readonly FusedKernels[];
  /** Layer operators the engine runs twice on the same input. */
  readonly repeatedOperators?: readonly string[];
}

/** Operators an engine runs inside another kernel (`separateKernels.fusedKernels`). */
export interface FusedKernels {
  readonly operators: readonly string[];
  /** `attention-tp`: only where attention is tensor-parallel without attention DP. */
  readonly when: "always" | "attention-tp";
  /** Only while the rank's MoE op routes at most this many tokens. */
  readonly maxTokens?: number;
  /** Only in steps of this phase. */
  readonly phase?: "decode" | "prefill";
  /** Only while the rank's own tokens of the microbatch are at most this many. */
  readonly maxRankTokens?: number;
  /** Only for these routed-expert weight formats. */
  readonly expertWeights?: readonly Dtype[];
  /** Only with the KV cache in one of these formats. */
  readonly kvCache?: readonly Dtype[];
  /** Only where the attention output projection's weights use one of these schemes. */
  readonly attentionOutputSchemes?: readonly QuantScheme[];
  /** Only for models whose attention is of one of these kinds. */
  readonly attentionKinds?: readonly ("gqa" | "mla")[];
}

/**
 * The release's separate kernels on a chip vendor's devices under a MoE backend (undefined where
 * none are recorded); a backend the release records no chain for runs the default's.
 * @example releaseSeparateKernels(release, "NVIDIA", "TRTLLM")?.moePrologue?.expandKernel // false
 */
export function releaseSeparateKernels(
  release: EngineRelease,
  chipVendor: string,
  moeBackend?: string,
): SeparateKernels | undefined {
  const separate = separateKernelsEntries(release).find((e) => e.chipVendors.includes(chipVendor));
  if (separate === undefined) return undefined;
  const { backend, prologue } = moeBackendChain(separate, moeBackend);
  const fused = [...(separate.fusedKernels ?? []), ...(backend?.fusedKernels ?? [])].map((f) => ({
    operators: f.operators,
    when: f.when,
    ...(f.maxTokens !== undefined && { maxTokens: f.maxTokens }),
    ...(f.phase !== undefined && { phase: f.phase }),
    ...(f.maxRankTokens !== undefined && { maxRankTokens: f.maxRankTokens }),
    ...(f.expertWeights !== undefined && { expertWeights: f.expertWeights }),
    ...(f.kvCache !== undefined && { kvCache: f.kvCache }),
    ...(f.attentionOutputSchemes !== undefined && { attentionOutputSchemes: f.attentionOutputSchemes }),
    ...(f.attentionKinds !== undefined && { attentionKinds: f.attentionKinds }),
  }));
  return {
    ...(separate.activationQuant !== undefined ? { activationQuant: separate.activationQuant } : {}),
    expertPermute: separate.expertPermute === true,
    ...(prologue !== undefined ? { moePrologue: prologue } : {}),
    mlaKeyConcat: separate.mlaKeyConcat === true,
    ...(separate.mlaKeyConcatKernels !== undefined && { mlaKeyConcatKernels: separate.mlaKeyConcatKernels }),
    ...(separate.mlaOutputCopy === true && { mlaOutputCopy: true }),
    ...(separate.sharedExpertAdd === true && { sharedExpertAdd: true }),
    ...(separate.antiquantWorkspace === true && { antiquantWorkspace: true }),
    ...(fused.length > 0 && { fusedKernels: fused }),
    ...(separate.repeatedOperators !== undefined && { repeatedOperators: separate.repeatedOperators }),
  };
}

/**
 * The MoE backend's own chain where the release records one for the backend the scenario names
 * (`backend`), and the prologue that runs: that backend's, else the default backend's.
 * @example moeBackendChain(separate, "TRTLLM").prologue?.expandKernel // false
 */
export function moeBackendChain(separate: SeparateKernelsEntry, moeBackend: string | undefined) {
  const backend = moeBackend !== undefined ? separate.moeBackends?.[moeBackend] : undefined;
  return { backend, prologue: backend?.moePrologue ?? separate.moePrologue };
}
