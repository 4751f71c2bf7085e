/**
 * A prefill attention kernel that computes each new prompt's full square (ATB's PA_ENCODER flash
 * attention with `isTriuMask` 0, vLLM-Ascend's PrefillNoCache route; layer-work.ts
 * `fullSquarePrefill`): it applies only to a prefill of whole new prompts, whose keys are their own
 * new tokens, so the pairs it computes are Σ S² = 2 Σ S (S + 1) / 2 − Σ S exactly.
 */
import type { WorkloadTokens } from "./workload-tokens.ts";

/**
 * Whether an asked-for full-square prefill applies to these counts: a prefill with tokens and no
 * cached context (an iteration with context takes another kernel).
 * @example fullSquarePrefillApplies(true, { forwardPhase: "prefill", tokens: 4096, kvReadTokens: 0 }) // true
 */
export function fullSquarePrefillApplies(
  asked: boolean,
  counts: Pick<WorkloadTokens, "forwardPhase" | "tokens" | "kvReadTokens">,
): boolean {
  return (
    asked &&
    counts.forwardPhase === "prefill" &&
    counts.tokens > 0 &&
    counts.kvReadTokens <= 1e-6 * counts.tokens
  );
}
