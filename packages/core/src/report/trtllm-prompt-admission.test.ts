/**
 * How the TensorRT-LLM perf-overview runs on Hopper admit prompts (docs/step-model.md §8, "TensorRT-LLM's
 * prompt-admitting iterations on Hopper", lane po2admit). Without context chunking the micro-batch
 * scheduler (`cpp/tensorrt_llm/batch_manager/microBatchScheduler.cpp`, `MicroBatchScheduler::operator()`)
 * walks the active requests in order, adds one token per generation request and a whole prompt per
 * context request, and stops at the first request that would pass max_num_tokens or max_batch_size;
 * the newly admitted (context) requests come after the running ones. So a rank whose generation
 * tokens D leave M − D ≥ I admits ⌊(M − D) / I⌋ prompts of I tokens, and at D > M − 2I exactly one.
 *
 * - gpt-oss-20b on one H100 / H200 at 1024/1024 (max_num_tokens 2,048 / 2,560): every iteration that
 *   admits, once more than M − 2I sequences decode, admits exactly one prompt, so the run has at least
 *   N − (⌊(M − 2I) / 2⌋ + 1) prompt-admitting iterations (the ramp's double admissions being the rest).
 * - The long-output attention-DP rows of the lane (Maverick H200 DEP8 1024/8192 and 1024/32768, Qwen3-235B
 *   H100 DEP8 / H200 DEP4 1024/8192) spend at most 3 % of the modelled run in prompt-admitting
 *   iterations: their 34 … 92 % misses cannot sit in admission.
 */
import { describe, expect, it } from "vitest";
import { offlineSearch } from "../perf/offline-point.ts";
import { must } from "../perf/test-support/reference-scenario.ts";
import { endToEndCaseScenario, endToEndCaseSpecs } from "./validate-end-to-end.ts";

const ONE_PROMPT_ROWS = ["trtllm-po2-oss20-h100-1024-1024", "trtllm-po2-oss20-h200-1024-1024"];
const DECODE_ROWS = [
  "trtllm-po2-maverick-h200-1024-8192",
  "trtllm-po2-maverick-h200-1024-32768",
  "trtllm-po2-q3-h100-1024-8192",
  "trtllm-po2-q3-h200-1024-8192",
];

function caseNamed(id: string) {
  return must(endToEndCaseSpecs().find((c) => c.id === id));
}

describe("TensorRT-LLM's whole-prompt admission in the perf-overview runs on Hopper", () => {
  it.each(ONE_PROMPT_ROWS)("%s admits one prompt per iteration once the batch has ramped up", (id) => {
    const scenario = endToEndCaseScenario(caseNamed(id));
    const offline = must(scenario.offline);
    const requests = must(offline.requests);
    const budget = must(scenario.serving?.scheduler.maxBatchTokens);
    const prompt = offline.promptTokens;
    expect(budget).toBeGreaterThanOrEqual(2 * prompt); // two prompts fit only while few sequences decode
    const pipelined = must(must(offlineSearch(scenario).best.run).pipelined);
    const rampDoubles = Math.floor((budget - 2 * prompt) / 2) + 1;
    expect(pipelined.promptIterations).toBeLessThanOrEqual(requests);
    expect(pipelined.promptIterations).toBeGreaterThanOrEqual(requests - rampDoubles);
  });

  it.each(DECODE_ROWS)("%s spends at most 3 % of its run admitting prompts", (id) => {
    const estimate = offlineSearch(endToEndCaseScenario(caseNamed(id)));
    const run = must(estimate.best.run);
    const pipelined = must(run.pipelined);
    expect(pipelined.promptIterationsS / run.durationS).toBeLessThanOrEqual(0.03);
  });
});
