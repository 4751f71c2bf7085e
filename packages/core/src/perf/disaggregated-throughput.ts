/**
 * The throughput of a prefill / decode disaggregated deployment per chip of both pools, as
 * published PD results quote it ("output tokens/s per card" over the prefill and the decode cards;
 * aiconfigurator's `tokens/s/gpu` of a disaggregated configuration). The pools are rate-matched:
 * the P prefill instances deliver P × prefill tokens/s per instance ÷ I requests/s at the prefill
 * group's prompt length I, the D decode instances finish D × decode tokens/s per instance ÷ O
 * requests/s at the workload's mean output length O, and the deployment serves the smaller of the
 * two (aiconfigurator sdk/inference_session.py: min(prefill, decode throughput) / total GPUs, there
 * with fitted degradation factors, here none). The KV transfer between the pools costs latency,
 * not throughput (the engines overlap it), and no queueing is modelled.
 */
import type { DecodeEstimate, PrefillEstimate } from "./step-estimate.ts";

export interface DisaggregatedThroughput {
  readonly prefillChips: number;
  readonly decodeChips: number;
  /** Prompt tokens of a request: the prefill group's `promptLength`, the length its step is timed at. */
  readonly promptTokens: number;
  /** Output tokens of a request: the workload's mean. */
  readonly outputTokens: number;
  /** Requests per second each pool can take (prefill) or finish (decode) on its own. */
  readonly prefillRequestsPerS: number;
  readonly decodeRequestsPerS: number;
  /** The pool that limits the rate; the other idles the rest of the time. */
  readonly bound: "prefill" | "decode";
  readonly outputTokensPerS: number;
  /** Output tokens/s over every chip of both pools. */
  readonly outputTokensPerSPerChip: number;
  /** The busy share of the pool that does not bound (1 for the bound pool). */
  readonly prefillUtilization: number;
  readonly decodeUtilization: number;
}

/**
 * Rate-matched output tokens/s of both pools per chip of both.
 * @example disaggregatedThroughput(e.prefill, e.decode, 256)?.outputTokensPerSPerChip
 */
export function disaggregatedThroughput(
  prefill: PrefillEstimate,
  decode: DecodeEstimate,
  outputTokens: number,
): DisaggregatedThroughput | undefined {
  if (!(outputTokens > 0) || !(prefill.promptLength > 0)) return undefined;
  const prefillChips = prefill.instances * prefill.chipsPerInstance;
  const decodeChips = decode.instances * decode.chipsPerInstance;
  const prefillRequestsPerS = (prefill.instances * prefill.tokensPerSPerInstance) / prefill.promptLength;
  const decodeRequestsPerS = (decode.instances * decode.tokensPerSPerInstance) / outputTokens;
  const rate = Math.min(prefillRequestsPerS, decodeRequestsPerS);
  const outputTokensPerS = rate * outputTokens;
  return {
    prefillChips,
    decodeChips,
    promptTokens: prefill.promptLength,
    outputTokens,
    prefillRequestsPerS,
    decodeRequestsPerS,
    bound: decodeRequestsPerS <= prefillRequestsPerS ? "decode" : "prefill",
    outputTokensPerS,
    outputTokensPerSPerChip: outputTokensPerS / (prefillChips + decodeChips),
    prefillUtilization: rate / prefillRequestsPerS,
    decodeUtilization: rate / decodeRequestsPerS,
  };
}
