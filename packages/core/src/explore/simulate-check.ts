/**
 * The serving simulator's re-check of a searched point, measured like the step model's figure:
 * at steady state. The step model's tokens/s per chip is the full decode batch running step after
 * step; a closed loop of that many users started at once is not at steady state at the start (the
 * prefill pool admits them over tens of seconds while the decode batch fills), for a while after
 * (users whose first answer ended early come back while the prefill pool still works through the
 * first wave: with a prefill pool near its capacity that backlog drains slowly) nor at the end (the
 * batch drains). So the check runs `CHECK_ROUNDS` requests per user and reads a window of the later
 * rounds: from the moment the last first-round request got its first token (the batch has been
 * filled once) or, if later, the moment two requests per user have completed (the first wave's
 * backlog has passed through), to the last arrival (after it the loop only drains). Tokens count
 * in the window pro rata of each request's decode span (first to last token); TPOT is the median
 * of the requests that decoded inside the window. The whole-run figure is kept beside it.
 */
import type { Scenario } from "../deploy/index.ts";
import { type RequestRecord, simulate } from "../serving/index.ts";

export interface SimulateCheck {
  /** Output tokens/s per chip of the searched group in the steady window. */
  readonly tokensPerSPerChip: number;
  /** Median TPOT of the requests that decoded inside the window (null: none did). */
  readonly tpotP50S: number | null;
  readonly window: { readonly startS: number; readonly endS: number };
  /** Output tokens/s per chip over the whole run (ramp-up and drain included). */
  readonly wholeRunTokensPerSPerChip: number;
  readonly requests: number;
}

/** Requests per closed-loop user in a re-check: two to pass the start-up wave, the rest measured. */
export const CHECK_ROUNDS = 6;

interface Span {
  readonly arrivalS: number;
  readonly firstS: number;
  readonly lastS: number;
  readonly tokens: number;
}

/**
 * Simulates `scenario` (its workload replaced by a closed loop of `users`, `CHECK_ROUNDS` requests
 * each) and measures the steady window; `chips` is the searched group's chip count.
 * @example simulateCheck(scenario, 15360, 160).tokensPerSPerChip
 */
export function simulateCheck(scenario: Scenario, users: number, chips: number): SimulateCheck {
  const spans: Span[] = [];
  const onRequest = (r: RequestRecord) => {
    if (r.ttftS === null || r.e2eS === null) return;
    spans.push({
      arrivalS: r.arrivalS,
      firstS: r.arrivalS + r.ttftS,
      lastS: r.arrivalS + r.e2eS,
      tokens: r.outputTokens,
    });
  };
  const result = simulate(scenario, { requests: CHECK_ROUNDS * users, onRequest });
  const byArrival = [...spans].sort((a, b) => a.arrivalS - b.arrivalS);
  const filled = maxOf(byArrival.slice(0, users).map((s) => s.firstS));
  const finishes = spans.map((s) => s.lastS).sort((a, b) => a - b);
  const twoRounds = finishes[Math.min(finishes.length, 2 * users) - 1] ?? 0;
  const startS = Math.max(filled, twoRounds);
  const endS = maxOf(byArrival.map((s) => s.arrivalS));
  let tokens = 0;
  const tpots: number[] = [];
  for (const s of spans) {
    const span = s.lastS - s.firstS;
    if (span <= 0) continue;
    const overlap = Math.max(0, Math.min(endS, s.lastS) - Math.max(startS, s.firstS));
    // The first token comes with the prefill; the other tokens-1 over the decode span.
    tokens += ((s.tokens - 1) * overlap) / span;
    if (s.firstS >= startS && s.lastS <= endS && s.tokens > 1) tpots.push(span / (s.tokens - 1));
  }
  tpots.sort((a, b) => a - b);
  const windowS = endS - startS;
  return {
    tokensPerSPerChip: windowS > 0 ? tokens / windowS / chips : 0,
    tpotP50S: tpots.length > 0 ? (tpots[Math.floor(tpots.length / 2)] as number) : null,
    window: { startS, endS },
    wholeRunTokensPerSPerChip: result.summary.throughput.outputTokensPerS / chips,
    requests: spans.length,
  };
}

/** The largest of many numbers (`Math.max(...xs)` overflows the stack beyond ~10⁵ arguments). */
function maxOf(xs: readonly number[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const x of xs) if (x > m) m = x;
  return m;
}
