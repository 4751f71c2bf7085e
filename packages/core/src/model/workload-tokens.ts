/**
 * The tokens one step moves through a layer, per phase: tokens computed, (query, key) pairs under
 * the causal mask, KV-cache tokens read and written, and tokens that need logits. Decode: each
 * sequence's new tokens (1, or 1 + MTP drafts being verified) attend to its cache and to each other;
 * prefill: the new tokens of a chunk, the cached context estimated from the pairs when not given
 * (equal chunks); training: no KV cache, logits for every token.
 */
import type { ModelWorkload, ResolvedWorkload } from "./layer-work.ts";
import { nonNegative, positiveInt } from "./workload-checks.ts";

export type WorkloadTokens = Pick<
  ResolvedWorkload,
  | "forwardPhase"
  | "sequences"
  | "tokens"
  | "attendedTokenPairs"
  | "kvReadTokens"
  | "kvWriteTokens"
  | "logitTokens"
  | "paddingSequences"
>;

/**
 * The token counts of a workload, checked (a negative or non-finite count is an error naming it).
 * @example workloadTokens({ phase: "decode", sequences: 2, kvTokens: 10 }).kvReadTokens // 12
 */
export function workloadTokens(workload: ModelWorkload): WorkloadTokens {
  const sequences = nonNegative(workload.sequences, "sequences");
  switch (workload.phase) {
    case "decode": {
      const q = positiveInt(workload.tokensPerSequence ?? 1, "tokensPerSequence");
      const kv = nonNegative(workload.kvTokens, "kvTokens");
      const tokens = sequences * q;
      return {
        forwardPhase: "decode",
        sequences,
        tokens,
        attendedTokenPairs: q * kv + (sequences * q * (q + 1)) / 2,
        kvReadTokens: kv + tokens,
        kvWriteTokens: tokens,
        logitTokens: tokens,
        paddingSequences: Math.min(
          sequences,
          nonNegative(workload.paddingSequences ?? 0, "paddingSequences"),
        ),
      };
    }
    case "prefill": {
      const tokens = nonNegative(workload.newTokens, "newTokens");
      const pairs = nonNegative(workload.attendedTokenPairs, "attendedTokenPairs");
      const estimated =
        tokens > 0 && sequences > 0 ? sequences * (pairs / tokens - (tokens / sequences + 1) / 2) : 0;
      return {
        forwardPhase: "prefill",
        sequences,
        tokens,
        attendedTokenPairs: pairs,
        kvReadTokens: nonNegative(workload.contextTokens ?? Math.max(0, estimated), "contextTokens"),
        kvWriteTokens: tokens,
        logitTokens: Math.min(sequences, tokens),
        paddingSequences: 0,
      };
    }
    case "train-forward":
    case "train-backward": {
      const tokens = nonNegative(workload.tokens, "tokens");
      return {
        forwardPhase: "train-forward",
        sequences,
        tokens,
        attendedTokenPairs: nonNegative(workload.attendedTokenPairs, "attendedTokenPairs"),
        kvReadTokens: 0,
        kvWriteTokens: 0,
        logitTokens: tokens,
        paddingSequences: 0,
      };
    }
    default: {
      const unreachable: never = workload;
      return unreachable;
    }
  }
}
