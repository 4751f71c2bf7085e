/**
 * The formats of a step's operators (layer-work.ts): weights, activations, KV cache, GEMM math per
 * component and the lightning indexer's, with their defaults where the options give none.
 */
import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import type { LayerOperatorOptions } from "./layer-options.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import type { ModelArchitecture } from "./types.ts";
import { resolveComponentFormats, weightFormat } from "./weight-bytes.ts";

/**
 * The lightning indexer's format when the scenario does not name one: INT8 where the GEMM math is
 * INT8 (the quantised indexer of W8A8 deployments), FP8 otherwise (DeepSeek's reference indexer).
 */
export function defaultIndexerDtype(computeDtype: Dtype): Dtype {
  return computeDtype === "int8" ? "int8" : "fp8";
}

/** The weight, activation, KV and GEMM formats of the step, per component where the options give them. */
export function resolveFormats(
  arch: ModelArchitecture,
  options: LayerOperatorOptions,
): Pick<ResolvedWorkload, "weights" | "activationDtype" | "kvDtype" | "computeDtype" | "components"> {
  const weights = weightFormat(options.weightDtype ?? arch.nativeDtype, { scheme: options.weightScheme });
  const activationDtype = options.activationDtype ?? "bf16";
  const kvDtype = options.kvDtype ?? "bf16";
  const computeDtype = options.computeDtype ?? defaultComputeDtype(weights.dtype, activationDtype);
  const components = resolveComponentFormats({ weights, computeDtype }, (component) => {
    const given = options.componentPrecision?.[component];
    if (given === undefined) return undefined;
    const format = weightFormat(given.weightDtype, { scheme: given.weightScheme });
    return {
      weights: format,
      computeDtype: given.computeDtype ?? defaultComputeDtype(format.dtype, activationDtype),
    };
  });
  return { weights, activationDtype, kvDtype, computeDtype, components };
}

/**
 * GEMM math of a weight format: W8A8/W4A4 for quantized formats, else the wider of weight and
 * activation (int4 is weight-only, W4A16: its GEMMs run in the activation format).
 */
export function defaultComputeDtype(weight: Dtype, activation: Dtype): Dtype {
  if (weight === "fp8" || weight === "int8" || weight === "fp4") return weight;
  return DTYPE_BYTES[weight] >= DTYPE_BYTES[activation] ? weight : activation;
}
