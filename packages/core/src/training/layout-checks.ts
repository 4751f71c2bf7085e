/**
 * Checks of a training job's parallel layout: every degree divides what it splits (ranks, heads,
 * layers, sequence, batch, experts), with a located error that says by how much it misses.
 */

import { type FieldFailure, infeasible } from "../deploy/index.ts";
import type { ModelArchitecture } from "../model/index.ts";
import type { TrainingScenarioDocument } from "../spec/index.ts";
import type { TrainingLayout } from "./training-scenario.ts";

export type Locate = (path: ReadonlyArray<string | number>) => { line: number; column: number } | undefined;

/**
 * The layout of a validated document, or an `infeasible` error at the offending field.
 * @example checkLayout(spec, arch, 1024, "job.yaml", locate).dp // 1024 / (tp × pp × cp)
 */
export function checkLayout(
  spec: TrainingScenarioDocument,
  model: ModelArchitecture,
  ranks: number,
  file: string,
  locate: Locate,
): TrainingLayout {
  const fail = infeasible(file, locate, []);
  const p = spec.parallelism;
  const par = (field: string) => ["parallelism", field];
  const modelRanks = p.tp * p.pp * p.cp;
  if (ranks % modelRanks !== 0)
    fail(
      par("tp"),
      `tp × pp × cp = ${p.tp} × ${p.pp} × ${p.cp} = ${modelRanks} does not divide the job's ${ranks} ranks (${ranks % modelRanks} left over); data parallelism is ranks ÷ (tp × pp × cp)`,
    );
  const dp = ranks / modelRanks;
  if (model.attention.numHeads % p.tp !== 0)
    fail(
      par("tp"),
      `tp ${p.tp} does not divide the ${model.attention.numHeads} attention heads of ${model.id}`,
    );
  if (model.vocabSize % p.tp !== 0)
    fail(par("tp"), `tp ${p.tp} does not divide the vocabulary (${model.vocabSize}) the LM head splits`);
  if (p.pp > model.numLayers)
    fail(par("pp"), `pp ${p.pp} is more stages than ${model.id} has layers (${model.numLayers})`);
  if (p.virtualStages > 1 && p.schedule !== "interleaved")
    fail(
      par("virtualStages"),
      `virtualStages ${p.virtualStages} needs schedule: interleaved (got ${p.schedule})`,
    );
  // Megatron-Core may count the embedding and the loss as one layer each in the pipeline split
  // (`account_for_embedding_in_pipeline_split`, `account_for_loss_in_pipeline_split`; Megatron-
  // Bridge's Llama 3.1 405B recipe sets both), so the first and last chunks can hold no layer.
  if (p.schedule === "interleaved" && p.pp * p.virtualStages > model.numLayers + 2)
    fail(
      par("virtualStages"),
      `pp × virtualStages = ${p.pp * p.virtualStages} model chunks, more than the ${model.numLayers} layers plus the embedding and the loss`,
    );
  const seq = spec.batch.sequenceLength;
  // Ring and all-gather CP give each rank two chunks (i and 2cp − 1 − i) for causal load balance.
  const balanced = p.cpAlgorithm === "ring" || p.cpAlgorithm === "all-gather";
  const cpSplit = p.cp > 1 && balanced ? 2 * p.cp : p.cp;
  if (seq % cpSplit !== 0)
    fail(
      ["batch", "sequenceLength"],
      `sequenceLength ${seq} does not split into ${cpSplit} equal chunks (${p.cpAlgorithm} context parallelism over cp ${p.cp}${balanced ? ", two chunks per rank for causal load balance" : ""})`,
    );
  if (p.cp > 1 && p.cpAlgorithm === "all-to-all" && model.attention.numHeads % (p.tp * p.cp) !== 0)
    fail(
      par("cp"),
      `all-to-all context parallelism splits heads over tp × cp = ${p.tp * p.cp}, which does not divide ${model.attention.numHeads} heads`,
    );
  const { globalBatch, microBatch } = spec.batch;
  if (globalBatch % (dp * microBatch) !== 0)
    fail(
      ["batch", "globalBatch"],
      `globalBatch ${globalBatch} is not a multiple of dp × microBatch = ${dp} × ${microBatch} = ${dp * microBatch} (dp = ${ranks} ranks ÷ ${modelRanks}); nearest: ${Math.max(1, Math.round(globalBatch / (dp * microBatch))) * dp * microBatch}`,
    );
  const microBatches = globalBatch / (dp * microBatch);
  if (p.schedule === "dualpipe" && (p.pp % 2 !== 0 || microBatches % 2 !== 0))
    fail(
      par("schedule"),
      `DualPipe needs an even pp and an even number of micro-batches (pp ${p.pp}, micro-batches ${microBatches})`,
    );
  checkExperts(spec, model, dp, fail);
  const grid = expertGrid(p.tp, p.cp, dp, p.ep, p.etp === 1);
  checkOptimizerInstances(spec, dp, grid.expertDp, fail);
  return {
    ranks,
    tp: p.tp,
    sequenceParallel: p.sequenceParallel,
    pp: p.pp,
    schedule: p.schedule,
    virtualStages: p.virtualStages,
    cp: p.cp,
    cpAlgorithm: p.cpAlgorithm,
    ep: p.ep,
    ...grid,
    dp,
    zero: p.fsdp ? 3 : p.zero,
    optimizerInstances: p.optimizerInstances,
    microBatches,
  };
}

/**
 * Where the EP group and the expert data-parallel group sit among the ranks of a stage, as
 * Megatron-Core's expert grid places them (parallel_state.initialize_model_parallel: a RankGenerator
 * of its own with tp = expert tp, cp = 1, dp = ranks ÷ (expert tp × ep × pp), order tp-ep-dp-pp once
 * cp is 1): EP ranks at a stride of the expert tp, expert data parallelism at expert tp × ep. Carved
 * (expert tp = tp, the default): ep over dp × cp at stride tp; folded (expert_tensor_parallel_size 1):
 * ep consecutive ranks spanning tp × cp × dp.
 * @example expertGrid(2, 1, 32, 64, true) // { epStride: 1, expertDp: 1, expertDpStride: 64 }
 */
export function expertGrid(
  tp: number,
  cp: number,
  dp: number,
  ep: number,
  folded: boolean,
): { epStride: number; expertDp: number; expertDpStride: number } {
  if (folded) return { epStride: 1, expertDp: (tp * cp * dp) / ep, expertDpStride: ep };
  return { epStride: tp, expertDp: (dp * cp) / ep, expertDpStride: tp * ep };
}

/** HSDP instances need full sharding and must divide the data-parallel (and expert data-parallel) ranks. */
function checkOptimizerInstances(
  spec: TrainingScenarioDocument,
  dp: number,
  expertDp: number,
  fail: FieldFailure,
): void {
  const p = spec.parallelism;
  const n = p.optimizerInstances;
  if (n === 1) return;
  const field = ["parallelism", "optimizerInstances"];
  if (!(p.fsdp || p.zero === 3))
    fail(
      field,
      `optimizerInstances ${n} is Megatron-FSDP's hybrid sharding: it needs zero: 3 (or fsdp: true)`,
    );
  if ((dp * p.cp) % n !== 0 || expertDp % n !== 0)
    fail(
      field,
      `optimizerInstances ${n} must divide dp × cp = ${dp * p.cp} and the expert data-parallel ranks (${expertDp})`,
    );
}

/** Expert parallelism divides the experts and dp × cp (tp × cp × dp folded); MoE under TP needs sequence parallelism. */
function checkExperts(
  spec: TrainingScenarioDocument,
  model: ModelArchitecture,
  dp: number,
  fail: FieldFailure,
): void {
  const p = spec.parallelism;
  const par = (field: string) => ["parallelism", field];
  const moe = model.moe;
  if (p.ep > 1) {
    if (moe === undefined) fail(par("ep"), `ep ${p.ep} > 1 but ${model.id} has no experts`);
    else {
      if (moe.numRoutedExperts % p.ep !== 0)
        fail(par("ep"), `ep ${p.ep} does not divide the ${moe.numRoutedExperts} routed experts`);
      if (p.etp === 1 && (p.tp * p.cp * dp) % p.ep !== 0)
        fail(
          par("ep"),
          `ep ${p.ep} must divide tp × cp × dp = ${p.tp * p.cp * dp} (with etp: 1 the expert grid folds over tensor, context and data parallelism)`,
        );
      if (p.etp === undefined && (dp * p.cp) % p.ep !== 0)
        fail(
          par("ep"),
          `ep ${p.ep} must divide dp × cp = ${dp * p.cp} (expert parallelism is carved out of data and context parallelism; etp: 1 folds it over tp too, as Megatron-Core's expert_tensor_parallel_size 1)`,
        );
    }
  }
  if (moe !== undefined && p.tp > 1 && !p.sequenceParallel)
    fail(
      par("sequenceParallel"),
      "MoE layers with tp > 1 need sequenceParallel: true (the experts take the sequence-parallel token shard, as in Megatron-Core)",
    );
}
