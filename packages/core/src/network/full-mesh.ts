/**
 * A full mesh without a switch (Atlas 800T A2: one HCCS link from each 910B to each of its 7
 * peers, 28 GB/s per direction each) gives a communicator only the links to its own members: the
 * catalog describes the mesh as 7 "planes" of a single-tier switch, which is right for the 8-rank
 * communicator (HCCL's intra-server Mesh algorithm drives all seven links at once), but n ranks of
 * one server reach each other over n − 1 links per rank — a TP2 pair over one, TP4 over three.
 * The analytical engine therefore sees the access tier at (members in the server − 1) / links of
 * its aggregate rate. Switched fabrics (NVSwitch, UB) are unchanged: any member reaches the whole
 * switch bandwidth.
 */
import type { FabricModel } from "./fabric-model.ts";

/**
 * Fraction of a rank's scale-up links a communicator of `ranks` members can use (1 on switched
 * fabrics and where the members fill the mesh).
 * @example meshLinkFraction(fabricModel(atlas800tA2), 2) // 1/7: one of the 7 HCCS links
 */
export function meshLinkFraction(model: FabricModel, ranks: number): number {
  const f = model.system.scaleUp;
  if (f.kind !== "single-tier-switch" || f.fullMesh !== true) return 1;
  const links = f.switchChips.value * f.linksPerSwitchPerChip.value;
  const members = Math.min(ranks, model.ranksPerServer);
  if (members <= 1 || links <= 0) return 1;
  return Math.min(1, (members - 1) / links);
}

/**
 * The fabric as one communicator of `ranks` members sees it: on a full mesh its access tier runs
 * at the links to its members only (`meshLinkFraction`); otherwise the model itself.
 * @example communicatorView(fabricModel(atlas800tA2), 2).accessBytesPerS // 1/7 of the mesh's
 */
export function communicatorView(model: FabricModel, ranks: number): FabricModel {
  const fraction = meshLinkFraction(model, ranks);
  if (fraction >= 1) return model;
  return {
    ...model,
    accessBytesPerS: model.accessBytesPerS * fraction,
  };
}
