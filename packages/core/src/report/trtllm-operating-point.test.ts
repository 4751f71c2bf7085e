/**
 * The operating point of the TensorRT-LLM perf-overview MoE rows on Hopper (Llama 4 Maverick,
 * Qwen3-235B, gpt-oss on H100 / H200), checked against what the runtime does at the records'
 * commit (docs/step-model.md §8, "The Hopper perf-overview MoE rows' operating point", lane po2hop):
 *
 * - KV per sequence: without `kv_cache_config.max_attention_window` (the perf overview's llm_options
 *   set none) `KVCacheManager` has one window, max_seq_len, for every layer
 *   (`pyexecutor/resource_manager.py`), so Maverick's chunked-attention layers (8,192-token chunks on
 *   3 of 4 layers) and gpt-oss's 128-token window layers hold the whole sequence; under
 *   GUARANTEED_NO_EVICT (trtllm-bench's default `--scheduler_policy`) a request is admitted only when
 *   the free blocks cover its prompt + max_tokens, max_tokens being the request's output length.
 * - The batch: the capacity scheduler admits greedily; nothing chooses a smaller batch, so the
 *   offline search's batch must sit at a limit (KV cache, max_batch_size, token budget, requests),
 *   never at a "throughput" optimum below them.
 * - The run: trtllm-bench reports total output tokens over the time from the first request to the
 *   last response, so the last, partial generation of a long-output run (1,500 requests through
 *   batches of a few hundred) counts with its small batch.
 */
import { describe, expect, it } from "vitest";
import { offlineSearch } from "../perf/offline-point.ts";
import { must } from "../perf/test-support/reference-scenario.ts";
import { endToEndCaseScenario, endToEndCaseSpecs } from "./validate-end-to-end.ts";

/** The perf-overview MoE tables' H100 / H200 columns (26 cells). */
const HOPPER_MOE_ROW = /^trtllm-po2?-(maverick|q3|oss120|oss20)-h(100|200)-/;
/** The 14 of them that are 23 … 95 % too fast at main d55ec9d (each search plays its whole run: kept to these). */
const TOO_FAST = new Set([
  "trtllm-po2-maverick-h200-1024-8192",
  "trtllm-po2-maverick-h200-1024-32768",
  "trtllm-po-maverick-h200-1024-1024",
  "trtllm-po2-oss120-h100-1024-1024",
  "trtllm-po2-oss120-h100-32768-1024",
  "trtllm-po2-oss120-h100-1024-32768",
  "trtllm-po2-oss120-h100-8192-1024",
  "trtllm-po2-oss20-h200-1024-1024",
  "trtllm-po2-oss20-h100-1024-1024",
  "trtllm-po2-q3-h100-1024-8192",
  "trtllm-po2-q3-h100-1024-1024",
  "trtllm-po2-q3-h200-1024-8192",
  "trtllm-po2-q3-h200-1024-1024",
  "trtllm-po2-q3-h200-8192-1024",
]);

describe("the TensorRT-LLM perf-overview MoE rows on Hopper run at the runtime's operating point", () => {
  const cases = endToEndCaseSpecs().filter((c) => HOPPER_MOE_ROW.test(c.id));

  it("covers the 26 Hopper cells of the Maverick, Qwen3-235B and gpt-oss tables", () => {
    expect(cases).toHaveLength(26);
  });

  it("keeps the whole sequence in the cache for Maverick's chunked and gpt-oss's windowed layers", () => {
    for (const spec of cases) {
      const model = endToEndCaseScenario(spec).model;
      if (!/maverick|oss/.test(spec.id)) continue;
      expect(model.slidingWindow?.cacheKeepsFullContext, spec.id).toBe(true);
    }
  });

  it("names 14 rows that exist", () => {
    expect(cases.filter((c) => TOO_FAST.has(c.id))).toHaveLength(TOO_FAST.size);
  });

  it.each(cases.filter((c) => TOO_FAST.has(c.id)).map((c) => [c.id, c] as const))(
    "%s admits greedily up to a limit and plays every request",
    (_id, spec) => {
      const scenario = endToEndCaseScenario(spec);
      const offline = must(scenario.offline);
      const requests = must(offline.requests);
      const estimate = offlineSearch(scenario);
      expect(estimate.limit).not.toBe("throughput");
      const batch = estimate.best.sequencesPerInstance;
      if (estimate.limit === "kv-cache") {
        // Prompt + output reserved per sequence (max_tokens = the output length): the batch fits, and
        // one more sequence per attention-DP rank would not.
        const dp = must(scenario.deployment.colocated).attention.dp;
        const perSequence = offline.promptTokens + offline.outputTokens;
        expect(batch * perSequence).toBeLessThanOrEqual(estimate.kvCacheCapacityTokens);
        expect((batch + dp) * (perSequence + 32)).toBeGreaterThan(estimate.kvCacheCapacityTokens);
      }
      // The finite run: every request, the last partial generation included (⌈N / B⌉ generations of at
      // least O − 1 decode iterations each when the batch waits for whole generations).
      const run = must(estimate.best.run);
      expect(run.requests).toBe(requests);
      const pipelined = must(run.pipelined);
      if (batch * 2 < requests && offline.outputTokens >= 8192)
        expect(pipelined.iterations).toBeGreaterThanOrEqual(
          Math.ceil(requests / batch) * (offline.outputTokens - 1),
        );
    },
  );
});
