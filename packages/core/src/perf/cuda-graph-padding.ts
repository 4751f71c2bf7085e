/**
 * CUDA-graph padding of decode iterations. An engine that replays CUDA graphs captured for a list
 * of batch sizes, with padding on (TensorRT-LLM's PyTorch backend: `cuda_graph_config.enable_padding`),
 * runs a generation-only iteration of B sequences on the graph of the smallest captured size ≥ B:
 * the missing rows are dummy requests that cost GEMM rows, MoE tokens and per-token kernels but
 * produce no token and hold (almost) no KV cache. With attention DP every rank pads to the busiest
 * rank's batch (the ranks all-gather their sizes and take the maximum) before rounding up, so all
 * ranks replay the same graph. Sizes above the executor's largest decode batch (max_batch_size, or
 * max_num_tokens per 1 + draft tokens) are not captured; that largest batch is captured instead
 * when a listed size exceeds it. Iterations with a context chunk run eagerly and are not padded.
 * See docs/step-model.md §5 ("CUDA-graph padding").
 */
import type { InstancePlan, Scenario } from "../deploy/index.ts";

/**
 * The batch sizes captured for one rank: the listed sizes up to `largest`, plus `largest` itself
 * when a listed size exceeds it.
 * @example capturedBatchSizes([1, 2, 4, 128, 256, 384], 160) // [1, 2, 4, 128, 160]
 */
export function capturedBatchSizes(listed: readonly number[], largest: number): number[] {
  const sorted = [...listed].sort((a, b) => a - b);
  const kept = sorted.filter((s) => s <= largest);
  const bound = Math.floor(largest);
  if (sorted.some((s) => s > largest) && Number.isFinite(largest) && bound >= 1 && kept.at(-1) !== bound)
    kept.push(bound);
  return kept;
}

/**
 * The sequences of one rank after padding `busiest` (the busiest rank's batch) up to a captured size;
 * `busiest` itself when no captured size holds it (the iteration then runs without a graph).
 * @example paddedRankBatch([1, 2, 4, 8, 16, 32, 64, 128, 256, 384], 202) // 256
 */
export function paddedRankBatch(captured: readonly number[], busiest: number): number {
  for (const s of captured) if (s >= busiest) return s;
  return busiest;
}

/** The largest decode batch of one rank the scenario's executor can run (max_batch_size, max_num_tokens). */
function largestRankBatch(scenario: Scenario, plan: InstancePlan, dp: number): number {
  const sequences =
    scenario.offline?.maxSequencesPerInstance ?? scenario.serving?.scheduler.maxBatchSequences;
  const tokens = scenario.serving?.scheduler.maxBatchTokens;
  const perSequenceTokens = 1 + (plan.mtp?.draftTokens ?? 0);
  return Math.min(
    sequences !== undefined ? Math.floor(sequences / dp) : Number.POSITIVE_INFINITY,
    tokens !== undefined ? Math.floor(tokens / dp / perSequenceTokens) : Number.POSITIVE_INFINITY,
  );
}

/**
 * The sequences a generation-only iteration of `sequences` (the whole instance) runs on the GPUs:
 * every attention-DP rank padded to the captured size above the busiest rank's batch. Unchanged
 * for an engine that records no padded CUDA graphs.
 * @example paddedDecodeSequences(scenario, plan, 1512) // 2048 at DEP8 with sizes …, 128, 256, …
 */
export function paddedDecodeSequences(scenario: Scenario, plan: InstancePlan, sequences: number): number {
  return decodeGraphRows(scenario, plan)(sequences);
}

/**
 * `paddedDecodeSequences` of one instance, the captured sizes worked out once (it runs on every
 * decode iteration of a simulation).
 */
export function decodeGraphRows(scenario: Scenario, plan: InstancePlan): (sequences: number) => number {
  const listed = scenario.engine?.cudaGraphBatchSizes;
  if (listed === undefined) return (sequences) => sequences;
  const dp = Math.max(1, plan.attention.dp);
  const captured = capturedBatchSizes(listed, largestRankBatch(scenario, plan, dp));
  return (sequences) => {
    if (!(sequences > 0)) return sequences;
    const busiest = Math.ceil(sequences / dp - 1e-9);
    return Math.max(sequences, paddedRankBatch(captured, busiest) * dp);
  };
}
