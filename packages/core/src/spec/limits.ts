/**
 * Upper bounds on the sizes a document may ask for. They refuse absurd inputs up front, with an
 * error at the field, instead of a run that allocates without limit, takes hours, or overflows
 * 32-bit token counters into negative times. Each bound is far above any published deployment
 * (the largest scale-up domain is 384 NPUs; the longest context windows are 10M tokens).
 */
import { z } from "zod";

export const LIMITS = {
  /** Chips in one instance, TP/EP/DP degrees, replicas: a 65,536-chip cluster. */
  ranks: 65_536,
  /** Instances of one deployment group. */
  instances: 10_000,
  /** Sequences in flight per chip. */
  batchPerChip: 65_536,
  /** Tokens of one prompt, answer, KV length or prefill chunk: 16,777,216 (exact in Int32/Float32). */
  tokens: 2 ** 24,
  /** Draft tokens per speculative step. */
  draftTokens: 16,
  /** Microbatches a step is split into. */
  microbatches: 64,
  /** Requests of one simulation: 10⁸ (about ten minutes on one core). */
  requests: 100_000_000,
  /** Decode requests in flight for one instance whose placement on DP ranks is simulated (~1 s at the bound). */
  requestsInFlight: 262_144,
  /** Closed-loop users. */
  concurrency: 1_000_000,
  /** Arrival rate in requests per second. */
  ratePerS: 10_000_000,
  /** Simulated seconds: one year. */
  durationS: 365 * 24 * 3600,
} as const;

/**
 * A whole number with thousands separators, as `toLocaleString("en-US")` writes it, without
 * loading ICU's number formatting (≈ 14 ms the first time): these bounds are formatted when the
 * schemas are built, in every command.
 * @example groupThousands(16777216) // "16,777,216"
 */
export function groupThousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString("en-US");
  const digits = String(Math.abs(n));
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end));
  return `${n < 0 ? "-" : ""}${groups.join(",")}`;
}

const bound = (max: number, what: string) => ({
  error: `expected at most ${groupThousands(max)} ${what}`,
});

/** A whole number from 1 to `max`, with an error that names the bound. */
export function countUpTo(max: number, what: string) {
  return z.number().int().positive().max(max, bound(max, what));
}

/** Whole numbers of tokens (1 … LIMITS.tokens). */
export const tokenCount = countUpTo(LIMITS.tokens, "tokens");
/** Whole numbers of ranks/chips/degrees (1 … LIMITS.ranks). */
export const rankCount = countUpTo(LIMITS.ranks, "chips");
