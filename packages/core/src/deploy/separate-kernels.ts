/**
 * The small kernels a serving engine runs on their own, and those it fuses into others, as a
 * release of data/engines/<name>.yaml records them (`separateKernels`).
 */
import type { EngineRelease } from "./engine-file.ts";

/** Small kernels an engine runs on their own (see `separateKernels` in data/engines/*.yaml). */
export interface SeparateKernels {
  /** Per-token-group quantisation before 8-bit GEMMs: elements per scale and bytes per scale. */
  readonly activationQuant?: { readonly groupSize: number; readonly scaleBytes: number };
  /** Token permutation into the grouped GEMM's layout and the weighted gather back (normal MoE kernels). */
  readonly expertPermute: boolean;
  /**
   * The MoE op's prologue (TensorRT-LLM CUTLASS MoE): expert sort (one kernel up to
   * `fusedMaxTokens` routed tokens, else `unfusedKernels`) and the expansion of the input rows.
   */
  readonly moePrologue?: {
    readonly fusedMaxTokens: number;
    readonly unfusedKernels: number;
    /** Kernels filling the grouped GEMMs' per-expert arguments (pointers, strides, shapes). */
    readonly gemmSetupKernels?: number;
    /** The rank's own MoE input quantised before an all-gather / all-to-all in a narrower format. */
    readonly quantizeBeforeComm?: boolean;
  };
  /** MLA prefill (naive form): the per-head keys assembled by copy kernels before the attention kernel. */
  readonly mlaKeyConcat: boolean;
  /** Layer operators whose work runs inside another kernel (no launch of their own), and when. */
  readonly fusedKernels?: readonly FusedKernels[];
}

/** Operators an engine runs inside another kernel (`separateKernels.fusedKernels`). */
export interface FusedKernels {
  readonly operators: readonly string[];
  /** `attention-tp`: only where attention is tensor-parallel without attention DP. */
  readonly when: "always" | "attention-tp";
}

/**
 * The release's separate kernels on a chip vendor's devices (undefined where none are recorded).
 * @example releaseSeparateKernels(release, "NVIDIA")?.expertPermute
 */
export function releaseSeparateKernels(
  release: EngineRelease,
  chipVendor: string,
): SeparateKernels | undefined {
  const separate = release.separateKernels;
  if (separate === undefined || !separate.chipVendors.includes(chipVendor)) return undefined;
  return {
    ...(separate.activationQuant !== undefined ? { activationQuant: separate.activationQuant } : {}),
    expertPermute: separate.expertPermute === true,
    ...(separate.moePrologue !== undefined ? { moePrologue: separate.moePrologue } : {}),
    mlaKeyConcat: separate.mlaKeyConcat === true,
    ...(separate.fusedKernels !== undefined && {
      fusedKernels: separate.fusedKernels.map((f) => ({ operators: f.operators, when: f.when })),
    }),
  };
}
