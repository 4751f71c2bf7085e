/**
 * Whether Megatron-Core can capture every transformer layer of a scenario as a CUDA graph
 * (`cudaGraphScope: transformer-layer`).
 *
 * Megatron-Core 0.14's `enable_cuda_graph` with the default `cuda_graph_scope = "full"` gives each
 * `TransformerLayer` a `CudaGraphManager` that replays the whole layer, attention and MoE, in
 * training (Megatron-LM core_v0.14.0 `transformer/transformer_layer.py` `__init__` and
 * `__call__`). Two of its conditions are refused here as the source states them:
 * - a dropless MoE layer's shapes depend on the routing (the tokens-per-expert counts go to the
 *   host every layer), so it cannot be captured; only a layer padded to capacity can
 *   (`moe_expert_capacity_factor` with `moe_pad_expert_input_to_capacity`: the MoE README's "CUDA
 *   Graph Support"), i.e. `moeCapacity` with `pad: true`;
 * - `TransformerConfig.__post_init__` rejects CUDA graphs with activation recomputation
 *   ("CUDA graphs not supported with activation recomputation"): `recompute: none`.
 */
import type { ModelArchitecture } from "../model/index.ts";
import { SupernodeError, type TrainingScenarioDocument } from "../spec/index.ts";
import type { Locate } from "./layout-checks.ts";

/**
 * Throws a located error when the scenario asks for whole-layer graphs Megatron-Core cannot capture.
 * @example checkLayerGraphCapture({ cudaGraphScope: "transformer-layer", recompute: "none" }, qwen3Moe, "job.yaml", locate) // throws: dropless MoE layers
 */
export function checkLayerGraphCapture(
  spec: Pick<TrainingScenarioDocument, "cudaGraphScope" | "moeCapacity" | "recompute">,
  model: ModelArchitecture,
  file: string,
  locate: Locate,
): void {
  if (spec.cudaGraphScope !== "transformer-layer") return;
  const why =
    model.moe !== undefined && spec.moeCapacity?.pad !== true
      ? "cudaGraphScope transformer-layer: Megatron-Core captures a MoE layer only when it is padded to capacity (set moeCapacity: { factor: 1, pad: true }, or graph part of the layer: [attn, moe_router, moe_preprocess])"
      : spec.recompute !== "none"
        ? `cudaGraphScope transformer-layer: Megatron-Core's layer graphs refuse activation recomputation (recompute: none, not ${spec.recompute})`
        : undefined;
  if (why === undefined) return;
  const pos = locate(["cudaGraphScope"]);
  throw new SupernodeError("invalid-value", why, {
    file,
    line: pos?.line,
    column: pos?.column,
    fieldPath: ["cudaGraphScope"],
  });
}
