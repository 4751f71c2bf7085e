/**
 * A resolved training scenario: system or cluster, model, precision, parallel layout, batch,
 * recompute and overlap, in SI units, read-only. `parseTrainingScenario` reads the document once
 * (`spec/training-schema.ts`), resolves ids against the catalog and the model zoo and checks that
 * every parallel degree divides what it splits; later layers trust the result.
 */

import { resolveScenarioModel, resolveScenarioSystem, type ScenarioCatalog } from "../deploy/index.ts";
import type { Dtype, System } from "../hardware/index.ts";
import type { ModelArchitecture } from "../model/index.ts";
import { computeDevice } from "../perf/index.ts";
import {
  applyOverrides,
  type PipelineSchedule,
  readSourceDocument,
  type ScenarioOverride,
  type SourceRef,
  SupernodeError,
  type TrainingScenarioDocument,
  trainingScenarioSchema,
  validateDocument,
} from "../spec/index.ts";
import type { FabricTarget } from "../topology/index.ts";
import { checkTpSplitDispatcher } from "./allgather-dispatcher.ts";
import { checkLayerGraphCapture } from "./layer-graph-capture.ts";
import { checkLayout, type Locate } from "./layout-checks.ts";
import { mtpRuns } from "./mtp-depth.ts";
import type { Bf16Layers, OperatorFormat } from "./operator-precision.ts";
import { type QuantRecipe, trainingPrecision } from "./training-precision.ts";

export interface TrainingPrecision {
  /** GEMM format of the linear layers: `fp4` only as the scenario's `nvfp4` recipe. */
  readonly compute: Dtype;
  /** FP8 operand scaling (`fp8-quantization.ts`); ignored unless compute is fp8. */
  readonly fp8Scaling: "current" | "blockwise";
  /** The low-precision recipe whose quantization passes the GEMMs pay (`none` for bf16 / fp16). */
  readonly recipe: QuantRecipe;
  readonly params: Dtype;
  readonly gradients: Dtype;
  readonly optimizerStates: Dtype;
  readonly masterWeights: boolean;
  readonly dispatch: Dtype;
  readonly combine: Dtype;
  /** Decoder blocks kept in BF16 at the start and end (`operator-precision.ts`; 0 and 0: none). */
  readonly bf16Layers: Bf16Layers;
  /** Operators given their own format inside the low-precision blocks (`operator-precision.ts`). */
  readonly operatorFormats: readonly OperatorFormat[];
}

/** Parallel degrees in ranks; dp is derived (ranks ÷ tp ÷ pp ÷ cp). Rank order: tp, cp, dp (ep fastest inside dp), pp. */
export interface TrainingLayout {
  readonly ranks: number;
  readonly tp: number;
  readonly sequenceParallel: boolean;
  readonly pp: number;
  readonly schedule: PipelineSchedule;
  readonly virtualStages: number;
  readonly cp: number;
  readonly cpAlgorithm: "ring" | "all-gather" | "all-to-all";
  readonly ep: number;
  /** Ranks between consecutive members of an EP group: tp × cp (carved out of dp × cp), 1 (folded, `etp: 1`). */
  readonly epStride: number;
  /** Ranks holding the same experts (their gradients are reduced over them): dp × cp ÷ ep, or tp × cp × dp ÷ ep folded. */
  readonly expertDp: number;
  /** Ranks between consecutive members of an expert data-parallel group: tp × ep, or ep folded. */
  readonly expertDpStride: number;
  readonly dp: number;
  /** 0 (DDP) … 3 (ZeRO-3 / FSDP). */
  readonly zero: 0 | 1 | 2 | 3;
  /** HSDP instances (zero 3): parameters and gradients sharded over dp × cp ÷ this, optimizer states over dp × cp. */
  readonly optimizerInstances: number;
  /** Micro-batches per pipeline per step (global batch ÷ dp ÷ micro-batch). */
  readonly microBatches: number;
}

export interface TrainingScenario {
  readonly kind: "training";
  readonly name: string;
  readonly description?: string;
  readonly source?: SourceRef;
  readonly fileName: string;
  readonly system: System;
  /** Accelerator packages the job uses. */
  readonly chips: number;
  /** Systems those chips fill (the last one may be partly used). */
  readonly systems: number;
  /** The fabric the job communicates over: one system, or a cluster of them. */
  readonly fabricTarget: FabricTarget;
  readonly model: ModelArchitecture;
  readonly precision: TrainingPrecision;
  readonly layout: TrainingLayout;
  readonly batch: {
    readonly globalBatch: number;
    readonly microBatch: number;
    readonly sequenceLength: number;
  };
  readonly recompute: "none" | "selective" | "full";
  readonly overlap: TrainingScenarioDocument["overlap"];
  /** The framework (`megatron-core` gets the eager MoE host time of `eager-moe-host.ts`). */
  readonly framework: TrainingScenarioDocument["framework"];
  /** Modules run as CUDA graphs (`eager-moe-host.ts`): a partial scope, whole layers, or the whole iteration. */
  readonly cudaGraphScope: TrainingScenarioDocument["cudaGraphScope"];
  /** How the local experts' GEMMs run (`expert-gemm-loop.ts`). */
  readonly expertGemm: TrainingScenarioDocument["expertGemm"];
  /** Megatron-Core's MoE token dispatcher (`moe-token-copies.ts`). */
  readonly tokenDispatcher: TrainingScenarioDocument["tokenDispatcher"];
  /** Megatron-Core's token drop (`moe_expert_capacity_factor`, padded to capacity: no per-layer sync). */
  readonly moeCapacity?: NonNullable<TrainingScenarioDocument["moeCapacity"]>;
  readonly hybridepSyncs: TrainingScenarioDocument["hybridepSyncs"];
  /** Megatron-Core's fine-grained activation offload of the expert modules (`activation-offload.ts`). */
  readonly activationOffload?: NonNullable<TrainingScenarioDocument["activationOffload"]>;
  /** Megatron-Core's `gradient_accumulation_fusion` (`grad-accumulation.ts`). */
  readonly gradientAccumulationFusion: boolean;
  /** RoPE as a fused kernel (false: PyTorch ops, `megatron-rope.ts`). */
  readonly ropeFusion: boolean;
  /** The loss as a fused cross-entropy (false: Megatron's unfused passes, `megatron-cross-entropy.ts`). */
  readonly crossEntropyFusion: boolean;
  /** Runs of the MTP modules per micro-batch (`mtp-depth.ts`): the scenario's `mtpDepth`, else 1. */
  readonly mtpRuns: number;
  readonly trainTokens?: number;
  readonly reliability: NonNullable<TrainingScenarioDocument["reliability"]>;
  readonly document: TrainingScenarioDocument;
}

export interface ParseTrainingOptions {
  readonly overrides?: readonly ScenarioOverride[];
  /** Reads a model config.json named in the document, relative to the scenario file. */
  readonly readFile?: (path: string) => string;
}

/** True when a parsed YAML/JSON value declares `kind: training`. */
export function isTrainingDocument(data: unknown): boolean {
  return data !== null && typeof data === "object" && (data as { kind?: unknown }).kind === "training";
}

/**
 * Parses and resolves a training scenario.
 * @example parseTrainingScenario(text, "examples/training-llama3-70b-h100.yaml").layout.dp // 32
 */
export function parseTrainingScenario(
  text: string,
  fileName: string,
  catalog?: ScenarioCatalog,
  options: ParseTrainingOptions = {},
): TrainingScenario {
  const raw = readSourceDocument(text, fileName);
  const doc =
    options.overrides !== undefined && options.overrides.length > 0
      ? { ...raw, data: applyOverrides(raw.data, options.overrides) }
      : raw;
  if (!isTrainingDocument(doc.data))
    throw new SupernodeError(
      "schema",
      "not a training scenario: a training document starts with `kind: training` (serving scenarios go to `estimate` and `simulate`)",
      { file: fileName, line: 1, column: 1, fieldPath: ["kind"] },
    );
  const spec = validateDocument(doc, trainingScenarioSchema);
  const locate: Locate = (path) => doc.locate(path);
  const { system, catalog: resolved } = resolveScenarioSystem(spec.system, fileName, locate, catalog);
  const model = resolveScenarioModel(spec.model, fileName, locate, options.readFile);
  const chip = system.node.accelerator.chip;
  const precision = trainingPrecision(spec.precision, chip, fileName, locate, model.numLayers);
  if (spec.framework !== "megatron-core") {
    // CUDA-graph scopes (full-iteration too: NeMo's `cuda_graph_scope`, no option of DeepSeek's
    // framework), TE's expert loop, the token dispatcher and the gradient-accumulation, RoPE and
    // cross-entropy fusion switches are Megatron-Core / Transformer Engine options: the first one
    // set away from its default is refused.
    const megatronOnly = {
      cudaGraphScope: typeof spec.cudaGraphScope === "string" || spec.cudaGraphScope.length > 0,
      expertGemm: spec.expertGemm !== "grouped",
      tokenDispatcher: spec.tokenDispatcher !== "alltoall",
      activationOffload: spec.activationOffload !== undefined,
      moeCapacity: spec.moeCapacity !== undefined,
      hybridepSyncs: spec.hybridepSyncs !== "dispatch",
      gradientAccumulationFusion: !spec.gradientAccumulationFusion,
      ropeFusion: !spec.ropeFusion,
      crossEntropyFusion: !spec.crossEntropyFusion,
      mtpDepth: spec.mtpDepth !== undefined,
    };
    const field = (Object.keys(megatronOnly) as (keyof typeof megatronOnly)[]).find((k) => megatronOnly[k]);
    if (field !== undefined) {
      const pos = locate([field]);
      throw new SupernodeError(
        "invalid-value",
        `${field} is a Megatron-Core option; with framework ${spec.framework} leave it out (or set framework: megatron-core)`,
        { file: fileName, line: pos?.line, column: pos?.column, fieldPath: [field] },
      );
    }
  }
  if (spec.moeCapacity !== undefined) {
    // Megatron-Bridge's apply_moe_token_drop asserts the all-to-all dispatcher; other factors change
    // the experts' token counts, which the model does not follow.
    // Each refusal points at the field to change: the factor, or the dispatcher.
    const refusal: { fieldPath: string[]; why: string } | undefined =
      spec.moeCapacity.factor !== 1
        ? {
            fieldPath: ["moeCapacity", "factor"],
            why: "moeCapacity: only the capacity factor 1.0 (the balanced routing's own token count) is modelled",
          }
        : spec.tokenDispatcher !== "alltoall"
          ? {
              fieldPath: ["tokenDispatcher"],
              why: `moeCapacity: Megatron-Core drops tokens only with the alltoall dispatcher (tokenDispatcher: alltoall, not ${spec.tokenDispatcher})`,
            }
          : undefined;
    if (refusal !== undefined) {
      // A dispatcher left at its default has no line of its own: point at moeCapacity then.
      const pos = locate(refusal.fieldPath) ?? locate(["moeCapacity"]);
      throw new SupernodeError("invalid-value", refusal.why, {
        file: fileName,
        line: pos?.line,
        column: pos?.column,
        fieldPath: refusal.fieldPath,
      });
    }
  }
  if (spec.hybridepSyncs !== "dispatch" && spec.tokenDispatcher !== "hybridep") {
    const pos = locate(["hybridepSyncs"]);
    throw new SupernodeError(
      "invalid-value",
      `hybridepSyncs: ${spec.hybridepSyncs} describes HybridEP; set tokenDispatcher: hybridep (not ${spec.tokenDispatcher}) or leave it out`,
      { file: fileName, line: pos?.line, column: pos?.column, fieldPath: ["hybridepSyncs"] },
    );
  }
  checkTpSplitDispatcher(spec, fileName, locate);
  checkLayerGraphCapture(spec, model, fileName, locate);
  const chipsPerSystem = system.nodes.value * system.node.accelerator.count.value;
  const systems = Math.ceil(spec.chips / chipsPerSystem);
  const ranks = spec.chips * computeDevice(chip).devicesPerChip;
  const layout = checkLayout(spec, model, ranks, fileName, locate);
  let fabricTarget: FabricTarget = system;
  if (systems > 1 || spec.fabric !== undefined) {
    try {
      fabricTarget = resolved.cluster({
        system: system.id,
        count: systems,
        ...(spec.fabric !== undefined ? { fabric: spec.fabric } : {}),
      });
    } catch (error) {
      const pos = locate(["fabric"]);
      const message = error instanceof Error ? error.message : String(error);
      throw new SupernodeError("invalid-value", message, {
        file: fileName,
        line: pos?.line,
        column: pos?.column,
        fieldPath: ["fabric"],
      });
    }
  }
  return {
    kind: "training",
    name: spec.name ?? fileName,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.source !== undefined ? { source: { key: "scenario", ...spec.source } } : {}),
    fileName,
    system,
    chips: spec.chips,
    systems,
    fabricTarget,
    model,
    precision,
    layout,
    batch: spec.batch,
    recompute: spec.recompute,
    overlap: spec.overlap,
    framework: spec.framework,
    cudaGraphScope: spec.cudaGraphScope,
    expertGemm: spec.expertGemm,
    tokenDispatcher: spec.tokenDispatcher,
    ...(spec.activationOffload !== undefined ? { activationOffload: spec.activationOffload } : {}),
    ...(spec.moeCapacity !== undefined ? { moeCapacity: spec.moeCapacity } : {}),
    hybridepSyncs: spec.hybridepSyncs,
    gradientAccumulationFusion: spec.gradientAccumulationFusion,
    ropeFusion: spec.ropeFusion,
    crossEntropyFusion: spec.crossEntropyFusion,
    mtpRuns: mtpRuns(spec, model, fileName, locate),
    ...(spec.train !== undefined ? { trainTokens: spec.train.tokens } : {}),
    reliability: spec.reliability ?? {},
    document: spec,
  };
}
