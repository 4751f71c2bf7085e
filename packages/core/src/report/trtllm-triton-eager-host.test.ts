/**
 * How much host time the gpt-oss Hopper rows' prompt-admitting iterations could absorb (docs/accuracy/
 * tensorrt-llm-1-0s-triton-moe-eager-launch-on-hopper.md, lane trtpo). On Hopper TensorRT-LLM 1.0 runs
 * gpt-oss's experts with OpenAI's Triton kernels (TritonFusedMoE: triton_kernels topk, routing_from_bitmatrix
 * and two matmul_ogs calls per layer); an iteration that admits a prompt runs the forward eagerly, so each
 * of those Triton kernels is launched from Python. The model's admitting iterations of these runs are
 * device-bound: the engine's host time (the scheduling pass of the batch plus every layer's eager launch)
 * stays below the iteration by more than 0.5 ms a layer at 1024/1024 and by more than 5 ms a layer at
 * 8192/1024. A per-layer launch excess smaller than that margin (a handful of Triton launches at 13 … 49 µs
 * each, the sourced launch latencies) therefore moves none of these rows.
 */
import { describe, expect, it } from "vitest";
import { hostIterationS, layerLaunchS } from "../perf/host-time.ts";
import { offlineSearch } from "../perf/offline-point.ts";
import { must } from "../perf/test-support/reference-scenario.ts";
import { endToEndCaseScenario, endToEndCaseSpecs } from "./validate-end-to-end.ts";

/** Row, and the least device margin over the host per layer its admitting iterations keep (seconds). */
const ROWS: ReadonlyArray<readonly [string, number]> = [
  ["trtllm-po2-oss20-h100-1024-1024", 0.5e-3],
  ["trtllm-po2-oss20-h200-1024-1024", 0.5e-3],
  ["trtllm-po2-oss120-h200-1024-1024", 0.5e-3],
  ["trtllm-po2-oss20-h100-8192-1024", 5e-3],
  ["trtllm-po2-oss20-h200-8192-1024", 5e-3],
];

describe("the gpt-oss Hopper rows' prompt-admitting iterations under TensorRT-LLM 1.0's Triton MoE", () => {
  it.each(ROWS)("%s is device-bound by more than the margin per layer", (id, margin) => {
    const scenario = endToEndCaseScenario(must(endToEndCaseSpecs().find((c) => c.id === id)));
    expect(scenario.engine?.moeBackend).toBe("TRITON");
    const plan = must(scenario.deployment.colocated);
    const pipelined = must(must(offlineSearch(scenario).best.run).pipelined);
    expect(pipelined.promptIterations).toBeGreaterThan(0);
    const meanAdmittingS = pipelined.promptIterationsS / pipelined.promptIterations;
    // The host of an admitting iteration at the run's largest batch: the scheduling pass plus every
    // layer launched eagerly (24 layers for gpt-oss-20b, 36 for gpt-oss-120b).
    const hostS =
      hostIterationS(scenario, plan, pipelined.peakSequences) + layerLaunchS(scenario, plan, "mixed");
    expect(hostS).toBeGreaterThan(0);
    expect((meanAdmittingS - hostS) / scenario.model.numLayers).toBeGreaterThan(margin);
  });
});
