/**
 * How many times one micro-batch runs the model's MTP block in training.
 *
 * A model's MTP modules (DeepSeek-V3's one, Nemotron 3's one shared `*E` block) each run once per
 * micro-batch, with their own output head and loss. Megatron-Core can instead apply one MTP layer
 * several times (`mtp_num_layers` with `mtp_use_repeated_layer`: Megatron-LM 24bad8e6
 * `transformer/multi_token_prediction.py`, `MultiTokenPredictionBlock` builds `self.layers[0]` only
 * and runs it `mtp_num_layers` times; `process_mtp_loss` runs the output layer and the loss once per
 * depth), which Megatron-Bridge's Nemotron 3 Super and Ultra recipes do with 2 depths. The scenario's
 * `mtpDepth` says so: the block's compute, head and loss run `mtpDepth` times, its parameters (and
 * so optimizer states, gradients and checkpoints) stay one block's.
 */
import type { ModelArchitecture } from "../model/index.ts";
import { SupernodeError, type TrainingScenarioDocument } from "../spec/index.ts";
import type { Locate } from "./layout-checks.ts";

/**
 * Runs of the MTP modules' compute per micro-batch: `mtpDepth` for one repeated block, else 1
 * (each module once). A scenario's `mtpDepth` needs a model with exactly one MTP module; else a
 * located error.
 * @example mtpRuns({ mtpDepth: 2 }, deepseekV3, "job.yaml", locate) // 2
 */
export function mtpRuns(
  spec: Pick<TrainingScenarioDocument, "mtpDepth">,
  model: ModelArchitecture,
  file: string,
  locate: Locate,
): number {
  if (spec.mtpDepth === undefined) return 1;
  if (model.mtpModules !== 1) {
    const pos = locate(["mtpDepth"]);
    throw new SupernodeError(
      "invalid-value",
      model.mtpModules === 0
        ? `mtpDepth: ${model.id} has no MTP module to repeat (leave mtpDepth out)`
        : `mtpDepth: ${model.id} has ${model.mtpModules} MTP modules; a repeated MTP layer (Megatron's mtp_use_repeated_layer) needs a model with exactly one`,
      { file, line: pos?.line, column: pos?.column, fieldPath: ["mtpDepth"] },
    );
  }
  return spec.mtpDepth;
}
