/**
 * Reshaping operators and workloads for a rank's shard: sequence parallelism splits the work that
 * attention TP does not shrink (down-projections, norms, router, dense FFN) over the TP group;
 * whole-batch and draft-token variants of a microbatch workload.
 */
import {
  type LayerOperatorOptions,
  layerOperators,
  type ModelArchitecture,
  type ModelWorkload,
  type Operator,
} from "../model/index.ts";

/**
 * Names of a layer's operators whose work does not shrink with attention TP.
 * @example unshardedOperators(arch, 3, workload, { attentionTp: 32 }).has("attn.qkv_a_proj") // true
 */
export function unshardedOperators(
  arch: ModelArchitecture,
  index: number,
  workload: ModelWorkload,
  options: LayerOperatorOptions,
): Set<string> {
  const withTp = layerOperators(arch, index, workload, options);
  const without = new Map(
    layerOperators(arch, index, workload, { ...options, attentionTp: 1 }).map((op) => [op.name, op.flops]),
  );
  const out = new Set<string>();
  for (const op of withTp) {
    // Expert GEMMs get explicit per-rank token counts; they are never rescaled.
    if (/^(mtp\d+\.)?moe\.(experts|shared)\./.test(op.name)) continue;
    if (op.flops > 0 && without.get(op.name) === op.flops) out.add(op.name);
  }
  return out;
}

/** An operator with its token work scaled by `f` (weights are read once either way). */
export function scaleOperator(op: Operator, f: number): Operator {
  return {
    ...op,
    flops: op.flops * f,
    bytesRead: {
      weights: op.bytesRead.weights,
      activations: op.bytesRead.activations * f,
      kvCache: op.bytesRead.kvCache * f,
    },
    bytesWritten: {
      ...op.bytesWritten,
      activations: op.bytesWritten.activations * f,
      kvCache: op.bytesWritten.kvCache * f,
    },
    ...(op.shape !== undefined ? { shape: { ...op.shape, m: op.shape.m * f } } : {}),
  };
}

/** A workload with its sequences and tokens multiplied by `f`. */
export function scaleWorkload(w: ModelWorkload, f: number): ModelWorkload {
  switch (w.phase) {
    case "decode":
      return {
        ...w,
        sequences: w.sequences * f,
        kvTokens: w.kvTokens * f,
        ...(w.paddingSequences !== undefined && { paddingSequences: w.paddingSequences * f }),
      };
    case "prefill":
      return {
        ...w,
        sequences: w.sequences * f,
        newTokens: w.newTokens * f,
        attendedTokenPairs: w.attendedTokenPairs * f,
      };
    default:
      return w;
  }
}

/** Shard options with the expert token counts multiplied by `f`. */
export function scaleExpertTokens(options: LayerOperatorOptions, f: number): LayerOperatorOptions {
  const t = options.tokensPerLocalExpert;
  return {
    ...options,
    ...(typeof t === "number" ? { tokensPerLocalExpert: t * f } : {}),
    ...(options.fixedExpertLoad !== undefined && {
      fixedExpertLoad: { ...options.fixedExpertLoad, tokens: options.fixedExpertLoad.tokens * f },
    }),
    ...(options.sharedExpertTokens !== undefined
      ? { sharedExpertTokens: options.sharedExpertTokens * f }
      : {}),
  };
}
