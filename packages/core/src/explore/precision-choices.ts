/**
 * Precision choices of a search: each is a whole-model weight-and-GEMM format (W8A8, W4A4, …) that
 * replaces the base scenario's `weights`/`activations` (and drops its per-component formats and
 * scheme, which belong to the written format); the KV cache, attention math and MoE payloads stay
 * as the base scenario writes them, so a precision comparison changes one thing. A format the
 * chip has no tensor-core rate for (FP4 on Hopper) is not a choice: the search prunes it, counted.
 */
import type { Chip } from "../hardware/index.ts";

export type SearchDtype = "bf16" | "fp8" | "int8" | "fp4";

export interface PrecisionChoice {
  /** The format, e.g. `fp4`; `as-written` keeps the base scenario's precision section. */
  readonly id: SearchDtype | "as-written";
  /** The `precision` section of the candidate (undefined for `as-written`). */
  readonly section?: Readonly<Record<string, unknown>>;
}

const DTYPES: readonly SearchDtype[] = ["bf16", "fp8", "int8", "fp4"];

/** True when `id` names a searchable format. */
export function isSearchDtype(id: string): id is SearchDtype {
  return (DTYPES as readonly string[]).includes(id);
}

/**
 * Whether the chip's tensor cores run this format (a peak FLOP/s figure for it in the chip data).
 * @example chipSupports(catalog.chip("h100-sxm"), "fp4") // false
 */
export function chipSupports(chip: Chip, dtype: SearchDtype): boolean {
  return chip.peakFlopsPerS[dtype] !== undefined;
}

/**
 * The precision choice of a format, from the base scenario's written `precision` section.
 * @example precisionChoice({ weights: "fp8", kvCache: "fp8" }, "fp4").section // { weights: "fp4", activations: "fp4", kvCache: "fp8" }
 */
export function precisionChoice(
  written: Readonly<Record<string, unknown>>,
  dtype: SearchDtype | "as-written",
): PrecisionChoice {
  if (dtype === "as-written") return { id: dtype };
  const { weights: _w, activations: _a, weightScheme: _s, components: _c, dispatch, ...rest } = written;
  // An 8-bit dispatch payload stays 8-bit under FP4 (the kernels send FP8); under BF16 it follows.
  const keepDispatch = dispatch !== undefined && dtype !== "bf16";
  return {
    id: dtype,
    section: {
      ...rest,
      weights: dtype,
      activations: dtype,
      ...(keepDispatch ? { dispatch } : {}),
    },
  };
}
