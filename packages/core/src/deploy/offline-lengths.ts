/**
 * What a distribution of prompt (I) and answer (O) lengths implies for the offline steady state
 * (offline-point.ts), the lengths taken as independent:
 *
 *  - the mean prompt E[I] and answer E[O] (the prefill share per output token is E[I] / E[O]);
 *  - the decode context: the KV a decode step attends per sequence, averaged over every generated
 *    token, E over tokens of (I + position) = E[I] + E[O²] / (2·E[O]) (a long answer is decoding
 *    for more steps, so it weighs by its length);
 *  - the KV reserved per sequence in flight: the model's rule, each sequence holds room for its
 *    whole prompt and answer (no preemption), averaged over the sequences in flight (each is in
 *    flight for a time proportional to its answer): E[O·(I + O)] / E[O] = E[I] + E[O²] / E[O];
 *  - prompt token pairs a prefill attends per prompt token, E[I·(I + 1) / 2] / E[I];
 *  - whether the lengths vary at all: sequences then finish, and prompts arrive, at different
 *    steps, so attention-DP ranks no longer admit their prompts in the same iteration
 *    (offline-generation.ts).
 *
 * With the requests' max_tokens given (`offline.maxTokens`), a sequence reserves its prompt and that
 * cap instead of its own answer, E[I] + max_tokens: TensorRT-LLM's default capacity policy,
 * GUARANTEED_NO_EVICT, admits a request only while the free blocks cover its blocks to completion,
 * min(prompt + max_new_tokens, attention window) for each window size
 * (cpp/tensorrt_llm/batch_manager/kvCacheManager.cpp getRemainingBlocksToCompletion,
 * scheduledBlocksManager.h, capacityScheduler.cpp).
 *
 * A fixed length gives exactly the fixed-length expressions (I + O/2, I + O, (I + 1)/2).
 */
import type { ModelArchitecture } from "../model/index.ts";
import { groupThousands, type LengthDistributionSpec, SupernodeError } from "../spec/index.ts";
import { lengthPoints } from "./length-points.ts";

/** A length's mean and mean square (tokens, tokens²). */
export interface LengthMoments {
  readonly mean: number;
  readonly meanSquare: number;
}

/** The offline point's lengths (tokens), see the module comment. */
export interface OfflineLengths {
  readonly prompt: number;
  readonly output: number;
  readonly decodeContext: number;
  readonly reservation: number;
  readonly promptPairsPerToken: number;
  /** Whether prompt or answer lengths differ between requests (a distribution with a spread). */
  readonly lengthsVary: boolean;
  /**
   * Whether answer lengths differ between requests: sequences admitted together then finish in
   * different iterations, so a loop that refills freed slots admits them one at a time
   * (perf/staggered-admission.ts).
   */
  readonly outputsVary: boolean;
}

/**
 * The lengths of one fixed prompt and answer: today's fixed-length expressions.
 * @example fixedOfflineLengths(804, 3886).decodeContext // 2747
 */
export function fixedOfflineLengths(prompt: number, output: number): OfflineLengths {
  return {
    prompt,
    output,
    decodeContext: prompt + output / 2,
    reservation: prompt + output,
    promptPairsPerToken: (prompt + 1) / 2,
    lengthsVary: false,
    outputsVary: false,
  };
}

/**
 * The lengths implied by a prompt and an answer distribution (independent); a number is a fixed length.
 * @example offlineLengths(804, { kind: "uniform", minTokens: 1, maxTokens: 3 }).decodeContext // 804 + 14/3 / 4
 */
export function offlineLengths(
  prompt: number | LengthDistributionSpec,
  output: number | LengthDistributionSpec,
  file?: string,
): OfflineLengths {
  if (typeof prompt === "number" && typeof output === "number") return fixedOfflineLengths(prompt, output);
  const i = lengthMoments(prompt, "promptTokens", file);
  const o = lengthMoments(output, "outputTokens", file);
  return {
    prompt: i.mean,
    output: o.mean,
    decodeContext: i.mean + o.meanSquare / (2 * o.mean),
    reservation: i.mean + o.meanSquare / o.mean,
    promptPairsPerToken: (i.meanSquare / i.mean + 1) / 2,
    lengthsVary: spread(i) || spread(o),
    outputsVary: spread(o),
  };
}

/** Whether a length has a variance (E[L²] above E[L]², beyond rounding). */
function spread(m: LengthMoments): boolean {
  return m.meanSquare > m.mean * m.mean * (1 + 1e-9);
}

/**
 * The KV cache's unit of capacity: its tokens are counted at the bytes per token of `context` (the
 * group's kvLength, over which sliding-window layers and fixed per-sequence state are amortised,
 * deploy/memory.ts); `bytesPerTokenAt(c) × c` is what one sequence of c tokens holds, each windowed
 * layer at most its window.
 */
export interface KvCapacityUnit {
  readonly context: number;
  readonly bytesPerTokenAt: (contextTokens: number) => number;
}

/**
 * The lengths with each sequence reserving its prompt plus the requests' max_tokens (see the module
 * comment); `maxTokens` absent leaves them as they are. TensorRT-LLM reserves per window size
 * min(prompt + max_tokens, window) (kvCacheManager.cpp getRemainingBlocksToCompletion(req,
 * windowSize)): with the cache's `unit` the reservation is that sequence's bytes in the cache's
 * tokens, so windowed layers reserve their window and not the cap (no change without windowed
 * layers, or where they keep the whole context: TensorRT-LLM's single window by default).
 * @example reservedToMaxTokens(fixedOfflineLengths(804, 3886), 20000).reservation // 20804
 */
export function reservedToMaxTokens(
  lengths: OfflineLengths,
  maxTokens: number | undefined,
  unit?: KvCapacityUnit,
): OfflineLengths {
  if (maxTokens === undefined) return lengths;
  const held = lengths.prompt + maxTokens;
  const inCacheTokens =
    unit === undefined ? 1 : unit.bytesPerTokenAt(held) / unit.bytesPerTokenAt(unit.context);
  return { ...lengths, reservation: held * inCacheTokens };
}

/**
 * The longest answer a length draws (tokens): the number, a distribution's cap or largest drawn bin;
 * undefined for a normal or log-normal length without a cap (then its mean bounds it from below).
 * @example longestLength({ kind: "uniform", minTokens: 1, maxTokens: 3 }) // 3
 */
export function longestLength(spec: number | LengthDistributionSpec): number | undefined {
  if (typeof spec === "number") return spec;
  switch (spec.kind) {
    case "fixed":
      return spec.tokens;
    case "uniform":
      return spec.maxTokens;
    case "normal":
    case "lognormal":
      return spec.maxTokens;
    case "histogram":
      return largestDrawnBin(spec.bins);
  }
}

/** The largest bin a histogram draws (weight > 0); undefined for a file or no weighted bin. */
function largestDrawnBin(
  bins: readonly { tokens: number; weight: number }[] | undefined,
): number | undefined {
  const drawn = (bins ?? []).filter((b) => b.weight > 0).map((b) => b.tokens);
  return drawn.length === 0 ? undefined : Math.max(...drawn);
}

/**
 * Refuses lengths whose mean prompt plus mean answer exceeds the model's context.
 */
export function checkOfflineLengths(lengths: OfflineLengths, model: ModelArchitecture, file: string): void {
  const limit = model.maxPositionEmbeddings;
  const sum = lengths.prompt + lengths.output;
  if (sum > limit)
    throw new SupernodeError(
      "invalid-value",
      `offline: mean prompt + mean answer is ${groupThousands(Math.round(sum))} tokens, above the model's context of ${groupThousands(limit)} (max_position_embeddings); expected at most ${groupThousands(limit)}`,
      { file, fieldPath: ["offline"] },
    );
}

/**
 * Mean and mean square of the token counts a distribution draws (as the simulator's samplers
 * draw them: rounded, clamped to [minTokens, maxTokens]); a number is a fixed length.
 * @example lengthMoments({ kind: "histogram", bins: [{ tokens: 1, weight: 1 }, { tokens: 3, weight: 1 }] }, "outputTokens") // { mean: 2, meanSquare: 5 }
 */
export function lengthMoments(
  spec: number | LengthDistributionSpec,
  field: string,
  file?: string,
): LengthMoments {
  if (typeof spec === "number") return { mean: spec, meanSquare: spec * spec };
  switch (spec.kind) {
    case "fixed":
      return { mean: spec.tokens, meanSquare: spec.tokens * spec.tokens };
    case "uniform": {
      const { minTokens: a, maxTokens: b } = spec;
      const n = b - a + 1;
      const squares = (m: number) => (m * (m + 1) * (2 * m + 1)) / 6;
      return { mean: (a + b) / 2, meanSquare: (squares(b) - squares(a - 1)) / n };
    }
    case "normal":
    case "lognormal": {
      // The samplers' draws (serving/length-distribution.ts) at the quadrature nodes (length-points.ts).
      let mean = 0;
      let meanSquare = 0;
      for (const p of lengthPoints(spec)) {
        mean += p.weight * p.tokens;
        meanSquare += p.weight * p.tokens * p.tokens;
      }
      return { mean, meanSquare };
    }
    case "histogram": {
      if (spec.bins === undefined)
        throw new SupernodeError(
          "invalid-value",
          `offline.${field}: a histogram read from a file (${spec.file}) cannot size the offline point; expected inline bins ({ tokens, weight } pairs)`,
          { file, fieldPath: ["offline", field, "file"] },
        );
      let weight = 0;
      let sum = 0;
      let squares = 0;
      for (const b of spec.bins) {
        weight += b.weight;
        sum += b.weight * b.tokens;
        squares += b.weight * b.tokens * b.tokens;
      }
      if (!(weight > 0) || !Number.isFinite(weight))
        throw new SupernodeError(
          "invalid-value",
          `offline.${field}: the histogram's weights sum to ${weight}; expected a positive, finite sum`,
          { file, fieldPath: ["offline", field, "bins"] },
        );
      return { mean: sum / weight, meanSquare: squares / weight };
    }
    default: {
      const unreachable: never = spec;
      throw new Error(`unknown length distribution ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * The KV tokens a sequence in flight takes from the cache, a block aside: its reservation under
 * GUARANTEED_NO_EVICT (the default: prompt + answer, or prompt + max_tokens), or under
 * MAX_UTILIZATION what it holds, averaged over the sequences in flight — prompt plus the tokens
 * generated so far, E[I] + E[O²] / (2·E[O]), the decode context. TensorRT-LLM's MaxUtilizationScheduler
 * admits a request when the free blocks cover its next step and pauses the most recently started
 * request when a running one cannot get its next block (cpp/tensorrt_llm/batch_manager/capacityScheduler.cpp);
 * a paused request is recomputed (LlmRequest::pause moves its generated tokens into its prompt),
 * which is not charged here.
 * @example kvPerSequence(fixedOfflineLengths(222, 294), "max-utilization") // 369
 */
export function kvPerSequence(
  lengths: OfflineLengths,
  policy: "guaranteed-no-evict" | "max-utilization" | undefined,
): number {
  return policy === "max-utilization" ? lengths.decodeContext : lengths.reservation;
}
