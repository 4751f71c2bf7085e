/**
 * Ranks and dense parallel degrees of one instance group: chips and ranks per instance, and the
 * divisibility of attention TP and dense-FFN TP over the ranks, heads and FFN width.
 */
import type { Chip } from "../hardware/index.ts";
import { attentionSpecs, type ModelArchitecture } from "../model/index.ts";
import type { InstanceGroupSpec } from "../spec/index.ts";
import { checkDivides } from "./plan-failure.ts";
import type { FieldFailure } from "./plan-types.ts";

export interface InstanceRanks {
  readonly chipsPerInstance: number;
  readonly ranksPerInstance: number;
}

/** Chips and ranks per instance from `chipsPerInstance` or `ranksPerInstance` (whole chips only). */
export function planInstanceRanks(
  group: InstanceGroupSpec,
  chip: Chip,
  ranksPerChip: number,
  fail: FieldFailure,
): InstanceRanks {
  if (group.chipsPerInstance !== undefined)
    return {
      chipsPerInstance: group.chipsPerInstance,
      ranksPerInstance: group.chipsPerInstance * ranksPerChip,
    };
  const ranksPerInstance = group.ranksPerInstance ?? 1;
  if (ranksPerInstance % ranksPerChip !== 0)
    fail(
      ["ranksPerInstance"],
      `${ranksPerInstance} ranks do not fill whole ${chip.name} chips of ${ranksPerChip} ranks each (${ranksPerInstance % ranksPerChip} left over)`,
    );
  return { chipsPerInstance: ranksPerInstance / ranksPerChip, ranksPerInstance };
}

/** Checks that attention TP and dense-FFN TP divide the ranks and the model's heads and width. */
export function checkDenseParallel(
  group: InstanceGroupSpec,
  arch: ModelArchitecture,
  ranksPerInstance: number,
  fail: FieldFailure,
): void {
  const attentionTp = group.attention.tp;
  checkDivides(
    attentionTp,
    ranksPerInstance,
    ["attention", "tp"],
    "attention TP",
    "ranks per instance",
    fail,
  );
  // Every layer kind's heads (a model's windowed layers may have their own counts).
  for (const [i, a] of attentionSpecs(arch).entries()) {
    const which = i === 0 ? "" : "sliding-window layers' ";
    checkDivides(
      attentionTp,
      a.numHeads,
      ["attention", "tp"],
      "attention TP",
      `${which}attention heads`,
      fail,
    );
    if (a.kind === "gqa" && attentionTp > a.numKvHeads)
      checkDivides(a.numKvHeads, attentionTp, ["attention", "tp"], `${which}KV heads`, "attention TP", fail);
  }

  if (group.lmHead !== undefined) {
    const lmTp = group.lmHead.tp;
    checkDivides(lmTp, ranksPerInstance, ["lmHead", "tp"], "LM head TP", "ranks per instance", fail);
    checkDivides(attentionTp, lmTp, ["lmHead", "tp"], "attention TP", "LM head TP", fail);
    if (lmTp > arch.vocabSize)
      fail(["lmHead", "tp"], `LM head TP ${lmTp} exceeds the vocabulary (${arch.vocabSize} tokens)`);
  }

  const denseTp = group.denseFfn.tp;
  checkDivides(denseTp, ranksPerInstance, ["denseFfn", "tp"], "dense FFN TP", "ranks per instance", fail);
  checkDivides(
    denseTp,
    arch.denseIntermediateSize,
    ["denseFfn", "tp"],
    "dense FFN TP",
    "FFN intermediate size",
    fail,
  );
}
