/**
 * The training job's precision as the step model uses it: the scenario's `precision` section
 * resolved against the chip. `compute: nvfp4` (Transformer Engine's NVFP4BlockScaling, Megatron-
 * Bridge's `bf16_with_nvfp4_mixed`) runs every linear layer's GEMMs in FP4 (E2M1), so it becomes
 * GEMM format `fp4` with the `nvfp4` quantization recipe (`nvfp4-quantization.ts`); a bare `fp4`
 * names no recipe and is refused, as is any low-precision format the chip's tensor cores lack
 * (Hopper and Ascend have no FP4: `precision.compute: nvfp4` is refused there, naming the field).
 */
import type { Chip, Dtype } from "../hardware/index.ts";
import { SupernodeError, type TrainingPrecisionSpec } from "../spec/index.ts";
import type { Locate } from "./layout-checks.ts";
import type { TrainingPrecision } from "./training-scenario.ts";

/** Operand quantization a job's GEMMs pay: FP8 current / block-wise scaling, NVFP4, or none (BF16). */
export type QuantRecipe = "none" | "fp8-current" | "fp8-blockwise" | "nvfp4";

/** The quantization recipe of a GEMM format (the FP8 one by the scenario's `fp8Scaling`). */
export function quantRecipeOf(compute: Dtype, fp8Scaling: "current" | "blockwise"): QuantRecipe {
  if (compute === "fp8") return fp8Scaling === "current" ? "fp8-current" : "fp8-blockwise";
  if (compute === "fp4") return "nvfp4";
  return "none";
}

/**
 * The resolved precision, or an error at `precision.compute` when the chip cannot run it.
 * @example trainingPrecision({ compute: "nvfp4", ... }, gb200Chip, "x.yaml", locate, 80).compute // "fp4"
 */
export function trainingPrecision(
  spec: TrainingPrecisionSpec,
  chip: Chip,
  fileName: string,
  locate: Locate,
  numLayers: number,
): TrainingPrecision {
  const refuseAt = (fieldPath: (string | number)[], message: string): never => {
    const pos = locate(fieldPath);
    throw new SupernodeError("unsupported", message, {
      file: fileName,
      line: pos?.line,
      column: pos?.column,
      fieldPath,
    });
  };
  const refuse = (message: string): never => refuseAt(["precision", "compute"], message);
  if (spec.compute === "fp4")
    refuse(
      "precision.compute: fp4 names no training recipe; use nvfp4 (Transformer Engine's NVFP4BlockScaling: FP4 GEMMs with 16-element E4M3 block scales)",
    );
  const compute: Dtype = spec.compute === "nvfp4" ? "fp4" : spec.compute;
  if (chip.peakFlopsPerS[compute] === undefined) {
    const supported = Object.keys(chip.peakFlopsPerS).join(", ");
    refuse(
      spec.compute === "nvfp4"
        ? `${chip.name} has no FP4 tensor math (it supports ${supported}), so precision.compute: nvfp4 cannot run on it; use fp8 or bf16`
        : `${chip.name} has no ${compute} tensor math (it supports ${supported}); choose one of those for precision.compute`,
    );
  }
  const lowPrecision = compute === "fp8" || compute === "fp4";
  const bf16Layers = spec.bf16Layers ?? { start: 0, end: 0 };
  if (spec.bf16Layers !== undefined && !lowPrecision)
    refuseAt(
      ["precision", "bf16Layers"],
      `precision.bf16Layers keeps blocks out of an fp8 / nvfp4 recipe; with compute ${spec.compute} leave it out`,
    );
  if (bf16Layers.start + bf16Layers.end > numLayers)
    refuseAt(
      ["precision", "bf16Layers"],
      `precision.bf16Layers: start ${bf16Layers.start} + end ${bf16Layers.end} blocks exceed the model's ${numLayers} decoder blocks`,
    );
  if (spec.operatorFormats.length > 0 && !lowPrecision)
    refuseAt(
      ["precision", "operatorFormats"],
      `precision.operatorFormats overrides an fp8 / nvfp4 recipe; with compute ${spec.compute} leave it out`,
    );
  for (const [i, format] of spec.operatorFormats.entries())
    if (chip.peakFlopsPerS[format.compute] === undefined)
      refuseAt(
        ["precision", "operatorFormats", i, "compute"],
        `${chip.name} has no ${format.compute} tensor math`,
      );
  return {
    compute,
    fp8Scaling: spec.fp8Scaling,
    bf16Layers,
    operatorFormats: spec.operatorFormats,
    recipe: quantRecipeOf(compute, spec.fp8Scaling),
    params: spec.params,
    gradients: spec.gradients,
    optimizerStates: spec.optimizerStates,
    masterWeights: spec.masterWeights,
    // NVFP4 quantizes only the linear layers' GEMM operands (TE's MoE dispatch is not FP4): BF16 payloads.
    dispatch: spec.dispatch ?? (spec.compute === "nvfp4" ? "bf16" : compute),
    combine: spec.combine,
  };
}
