/**
 * The batch limits of the TensorRT-LLM perf-overview gpt-oss rows, recomputed from the source.
 *
 * trtllm-bench `throughput` without `--max_batch_size` / `--max_num_tokens` (the perf overview's
 * command) sets both by its heuristic: `bench/build/tuning.py` (`calc_engine_setting`,
 * `finetune_setting`) from the safetensors element count at 2 bytes per element (MXFP4 is not in
 * `BYTES_PER_ELEM`), the KV bytes per token of every layer (`max(tp, kv heads)` heads, 1 byte for an
 * FP8 cache), the GPUs' NVML total and the KV fraction; `bench/benchmark/utils/general.py`
 * (`get_settings`) then raises `max_num_tokens` to ISL + `max_batch_size` because chunked prefill is
 * off. Under attention DP each of the `tp` ranks gets those limits, so the instance's are `tp` times
 * them. This test recomputes every `trtllm-po2-oss*` case's `offline.maxSequencesPerInstance` and
 * `serving.scheduler.maxBatchTokens` that way (docs/step-model.md §8, "The gpt-oss rows' limits and
 * the GB200 long-output rows", lane trtoss): the rows run at the limits the published runs had.
 */
import { describe, expect, it } from "vitest";
import type { ModelArchitecture } from "../model/index.ts";
import { modelLayerTensors, tensorElements } from "../model/weight-tensors.ts";
import { must } from "../perf/test-support/reference-scenario.ts";
import { endToEndCaseScenario, endToEndCaseSpecs } from "./validate-end-to-end.ts";

const GIB = 1024 ** 3;

/**
 * NVML total per GPU (GiB) as trtllm-bench's `get_device_memory` reads it; the scenario headers'
 * figures (B200 183,359 MiB; the catalog's 191.5 GB addressable B200 memory is 178.3 GiB, which
 * would flip two gpt-oss-20b B200 rows at 191.7 requests across the 192 step).
 */
const NVML_TOTAL_GIB: Readonly<Record<string, number>> = {
  b200: 179,
  gb200: 185,
  "h200-sxm": 139.8,
  "h100-sxm": 79.6,
};

/**
 * The checkpoint's safetensors element count (huggingface_hub `parameter_count`): MXFP4 expert
 * matrices are stored as U8 blocks of two values plus one U8 scale per 32, everything else (expert
 * biases included) as BF16 elements.
 */
function packedElementCount(arch: ModelArchitecture): number {
  let count = 0;
  for (const layer of modelLayerTensors(arch))
    for (const t of layer) {
      const n = tensorElements(t) * t.copies;
      const packed = t.component === "routed-experts" && t.cols > 1;
      count += packed ? n / 2 + n / 32 : n;
    }
  const embedAndHead = 2 * arch.vocabSize * arch.hiddenSize + arch.hiddenSize;
  return count + embedAndHead;
}

/** trtllm-bench's max_batch_size and max_num_tokens per rank (tuning.py, general.py). */
function trtllmBenchLimits(o: {
  paramCount: number;
  layers: number;
  kvHeads: number;
  headDim: number;
  kvBytes: number;
  tp: number;
  gpuGiB: number;
  isl: number;
  osl: number;
  kvFraction: number;
}): { maxBatchSize: number; maxNumTokens: number } {
  const bytesPerToken = (2 * o.layers * Math.max(o.tp, o.kvHeads) * o.headDim * o.kvBytes) / GIB;
  const engine = (o.paramCount * 2) / GIB;
  const available = o.gpuGiB * o.tp - engine;
  const kvRequests = (available * o.kvFraction) / (bytesPerToken * (o.isl + o.osl));
  const rawBs = Math.min(kvRequests, 4096);
  const rawTokens = Math.min(rawBs * (1 + o.isl / o.osl), 32768);
  const maxBatchSize =
    rawBs < 256
      ? Math.max(64, 32 * Math.ceil(rawBs / 32))
      : rawBs < 1024
        ? 128 * Math.ceil(rawBs / 128)
        : 256 * Math.ceil(rawBs / 256);
  const tokens =
    rawTokens < 4096
      ? Math.max(2048, 256 * Math.ceil(rawTokens / 256))
      : rawTokens < 8192
        ? 512 * Math.ceil(rawTokens / 512)
        : 1024 * Math.ceil(rawTokens / 1024);
  return { maxBatchSize, maxNumTokens: Math.max(tokens, o.isl + maxBatchSize) };
}

describe("trtllm-bench's heuristic limits of the perf-overview gpt-oss rows", () => {
  const cases = endToEndCaseSpecs().filter((c) => c.id.startsWith("trtllm-po2-oss"));

  it("covers all 36 gpt-oss cells of the two tables", () => {
    expect(cases).toHaveLength(36);
  });

  it("packs gpt-oss-120b / -20b to the counts the scenario headers state (63.0 B, 11.96 B)", () => {
    const big = endToEndCaseScenario(must(cases.find((c) => c.id === "trtllm-po2-oss120-gb200-1024-1024")));
    const small = endToEndCaseScenario(must(cases.find((c) => c.id === "trtllm-po2-oss20-gb200-1024-1024")));
    expect(packedElementCount(big.model) / 1e9).toBeCloseTo(63.08, 1);
    expect(packedElementCount(small.model) / 1e9).toBeCloseTo(11.96, 1);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s runs at the heuristic's limits", (_id, spec) => {
    const s = endToEndCaseScenario(spec);
    const doc = s.document;
    const offline = must(s.offline);
    const serving = must(s.serving);
    const plan = must(s.deployment.colocated);
    const tp = plan.chipsPerInstance; // attention DP: one rank per GPU (DEP2 / DEP4), else TP1
    const attention = s.model.attention;
    if (attention.kind !== "gqa") throw new Error("gpt-oss attention is GQA");
    const gpuGiB = NVML_TOTAL_GIB[s.system.node.accelerator.chip.id];
    expect(gpuGiB).toBeDefined();
    const limits = trtllmBenchLimits({
      paramCount: packedElementCount(s.model),
      layers: s.model.numLayers,
      kvHeads: attention.numKvHeads,
      headDim: attention.headDim,
      kvBytes: doc.precision.kvCache === "fp8" ? 1 : 2,
      tp,
      gpuGiB: must(gpuGiB),
      isl: offline.promptTokens,
      osl: offline.outputTokens,
      kvFraction: must(must(serving.kvCache).usableFraction),
    });
    expect(offline.maxSequencesPerInstance).toBe(tp * limits.maxBatchSize);
    expect(must(serving.scheduler).maxBatchTokens).toBe(tp * limits.maxNumTokens);
  });
});
