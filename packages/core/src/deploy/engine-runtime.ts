/**
 * Which of an engine's runtimes runs the model (a scenario's `engine.runtime`). TensorRT-LLM has
 * two: the PyTorch backend, whose Python executor and eager / CUDA-graph forwards the release's
 * `hostTime` and `cudaGraphBatchSizes` describe, and TensorRT engines (trtllm-build) run by the C++
 * executor (`tensorrt_llm.bindings.executor.Executor`), where a forward is one TensorRT enqueue from
 * C++ and no Python loop walks the requests. Under `tensorrt` the release is read without those
 * two records; everything else (kernels, KV cache, token budget) is shared. The C++ executor's own
 * host time is not recorded: none is charged.
 */
import { type EngineSpec, SupernodeError } from "../spec/index.ts";
import type { EngineRelease } from "./engine-file.ts";

/** What the release records for its PyTorch runtime only, dropped under `engine.runtime: tensorrt`. */
const PYTORCH_RUNTIME_ONLY = ["hostTime", "cudaGraphBatchSizes"] as const;

/**
 * The release as the scenario's runtime runs it; refuses `runtime` where the release records no
 * TensorRT runtime, and the host-time fields (`overlapScheduler`, `decodeGraph`) under `tensorrt`.
 * @example runtimeRelease(release, "trtllm", { name: "trtllm", runtime: "tensorrt" }).hostTime // undefined
 */
export function runtimeRelease(release: EngineRelease, engineName: string, spec: EngineSpec): EngineRelease {
  if (spec.runtime === undefined) return release;
  if (release.tensorrtRuntime === undefined)
    throw new SupernodeError(
      "invalid-value",
      `${engineName} ${release.from} records one runtime only (data/engines/${spec.name}.yaml: no tensorrtRuntime); leave engine.runtime out`,
      { fieldPath: ["engine", "runtime"] },
    );
  if (spec.runtime === "pytorch") return release;
  for (const field of ["overlapScheduler", "decodeGraph"] as const)
    if (spec[field] !== undefined)
      throw new SupernodeError(
        "invalid-value",
        `engine.${field} states how the PyTorch runtime's host work and graphs run; engine.runtime tensorrt (the C++ executor) records neither: leave one of the two out`,
        { fieldPath: ["engine", field] },
      );
  const view: Record<string, unknown> = { ...release };
  for (const field of PYTORCH_RUNTIME_ONLY) delete view[field];
  return view as EngineRelease;
}
