/**
 * Megatron-Core's all-gather token dispatcher (`moe_token_dispatcher_type: allgather`, the default up
 * to core 0.7; MindSpeed-LLM 1.0.RC3's Mixtral script runs it), as read from Megatron-LM core_v0.6.0
 * (cac60ce4) `moe/token_dispatcher.py` `MoEAllGatherTokenDispatcher` and `moe/experts.py`:
 *
 * - with sequence parallelism the rank's hidden states [S/TP·B, H] are all-gathered over the TP group
 *   (`gather_from_sequence_parallel_region_to_moe`; the indices and probabilities too, small) and the
 *   experts' output is reduce-scattered back (`reduce_scatter_to_sequence_parallel_region_from_moe`):
 *   collectives outside the expert linears, whose backwards are a synchronous reduce-scatter and
 *   all-gather, as the shared experts' are (`tp-comm.ts` counts the routed experts as such a block);
 * - the experts are split over TP (`GroupedMLP` divides fc1 / fc2 by tp_size; `SequentialMLP` runs
 *   `MLP` with TP linears): every TP rank runs a 1/tp slice of each local expert for every gathered
 *   token routed to it, the same FLOPs as whole experts on the rank's shard, in other GEMM shapes;
 * - the local permutation is two `torch.gather`s of the routed rows (by the global-local map, then by
 *   the argsort of the expert ids) and, on the way back, `zeros_like` + `scatter` and the multiply by
 *   the routing probabilities; the final `scatter_add` into the gathered tokens is the graph's
 *   `moe.combine`. Each backward runs its transpose. Counted as memory-bound passes over the T·k
 *   routed rows of the gathered tokens (T the TP group's tokens), read + write each, the fill as a
 *   write: forward 2 gathers, 1 fill, 1 scatter, 1 multiply; backward the same five.
 * - `tokens_per_expert.cpu()` syncs the host as the dropless all-to-all does (`eager-moe-host.ts`).
 *
 * Modelled at ep 1 (the gather would span TP × EP) and with sequence parallelism when tp > 1
 * (without it the dispatcher makes no gather); other layouts are refused where the scenario is
 * read. Derived from the source, not measured; nothing here is set from a result.
 */
import { moeTokenWidth } from "../deploy/index.ts";
import { activationPass, type ModelArchitecture, type Operator } from "../model/index.ts";
import { SupernodeError, type TrainingScenarioDocument } from "../spec/index.ts";
import type { Locate } from "./layout-checks.ts";

/**
 * Whether the dispatcher splits every expert over tp and runs the TP group's tokens through them
 * (Megatron-Core ≤ 0.7): the all-gather dispatcher, and the all-to-all one at tp > 1 (alltoall-sp2hp-dispatcher.ts).
 * @example expertsOverTp("alltoall-sp2hp") // true
 */
export function expertsOverTp(dispatcher: TrainingScenarioDocument["tokenDispatcher"]): boolean {
  return dispatcher === "allgather" || dispatcher === "alltoall-sp2hp";
}

/** Why a document's TP-splitting dispatcher is not modelled, with the field to change; undefined when it is. */
function tpSplitDispatcherRefusal(
  spec: TrainingScenarioDocument,
): { fieldPath: string[]; why: string } | undefined {
  if (!expertsOverTp(spec.tokenDispatcher)) return undefined;
  const d = spec.tokenDispatcher;
  const p = spec.parallelism;
  if (p.ep !== 1)
    return {
      fieldPath: ["parallelism", "ep"],
      why: `tokenDispatcher ${d} is modelled at ep 1 (its TP gather would span tp × ep = ${p.tp * p.ep} ranks); got ep ${p.ep}`,
    };
  if (p.etp === 1)
    return {
      fieldPath: ["parallelism", "etp"],
      why: `tokenDispatcher ${d} splits the experts over tp (Megatron-Core ≤ 0.7); etp: 1 is the later all-to-all dispatchers' folded grid: leave it out`,
    };
  if (p.tp > 1 && !p.sequenceParallel)
    return {
      fieldPath: ["parallelism", "sequenceParallel"],
      why: `tokenDispatcher ${d} is modelled with sequence parallelism at tp ${p.tp} (without it the dispatcher gathers nothing and the expert outputs are reduced another way)`,
    };
  if (d === "alltoall-sp2hp" && p.tp === 1)
    return {
      fieldPath: ["tokenDispatcher"],
      why: "tokenDispatcher alltoall-sp2hp is the all-to-all dispatcher at tp > 1; at tp 1 it is the plain alltoall",
    };
  return undefined;
}

/**
 * Throws a located error when the document sets a TP-splitting dispatcher on a layout it is not modelled for.
 * @example checkTpSplitDispatcher(spec, "job.yaml", locate) // throws at parallelism.ep when ep is 8
 */
export function checkTpSplitDispatcher(spec: TrainingScenarioDocument, file: string, locate: Locate): void {
  const refusal = tpSplitDispatcherRefusal(spec);
  if (refusal === undefined) return;
  const pos = locate(refusal.fieldPath) ?? locate(["tokenDispatcher"]);
  throw new SupernodeError("invalid-value", refusal.why, {
    file,
    line: pos?.line,
    column: pos?.column,
    fieldPath: refusal.fieldPath,
  });
}

/**
 * The expert shapes one rank runs under a TP-splitting dispatcher (`expertsOverTp`: the all-gather
 * one, the all-to-all one at tp > 1): every expert (ep 1) split over tp, each taking its share of the
 * TP group's tokens.
 * @example tpSplitExpertOptions(mixtral, 8, 16384) // { localExperts: 8, expertTp: 8, tokensPerLocalExpert: 4096 }
 */
export function tpSplitExpertOptions(
  arch: ModelArchitecture,
  tp: number,
  groupTokens: number,
): { localExperts: number; expertTp: number; tokensPerLocalExpert: number } {
  const moe = arch.moe;
  if (moe === undefined) throw new Error(`tpSplitExpertOptions: ${arch.id} has no MoE layers`);
  return {
    localExperts: moe.numRoutedExperts,
    expertTp: tp,
    tokensPerLocalExpert: (groupTokens * moe.topK) / moe.numRoutedExperts,
  };
}

/**
 * The dispatcher's local permutation passes of one MoE layer, forward or backward, over the T·k
 * routed rows of the TP group's `groupTokens` tokens.
 * @example allGatherCopyOperators(mixtral, 16384, "forward", 2).length // 5
 */
export function allGatherCopyOperators(
  arch: ModelArchitecture,
  groupTokens: number,
  direction: "forward" | "backward",
  bytesPerElement: number,
): Operator[] {
  const k = arch.moe?.topK ?? 0;
  const routedBytes = groupTokens * k * moeTokenWidth(arch) * bytesPerElement;
  const back = direction === "backward" ? ".backward" : "";
  const pass = (name: string, read: number, write: number): Operator =>
    activationPass({
      name: `moe.allgather.${name}${back}`,
      dtype: "bf16",
      readBytes: read,
      writeBytes: write,
    });
  return [
    pass("gather_local", routedBytes, routedBytes),
    pass("gather_sorted", routedBytes, routedBytes),
    pass("zeros", 0, routedBytes),
    pass("scatter_unsorted", routedBytes, routedBytes),
    pass("probs_multiply", routedBytes, routedBytes),
  ];
}
