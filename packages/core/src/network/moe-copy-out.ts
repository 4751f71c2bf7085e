/**
 * The copy-out order of DeepEP-Ascend's normal dispatch (sgl-kernel-npu `cam_moe_dispatch_normal.h`
 * `ShareToOutput`, b2e93094): after a flag barrier every rank's vector cores split the
 * (local expert × source rank) entries — as many as the model has experts, numbered expert-major,
 * entry i reading source i mod ranks — into equal contiguous ranges (the first `entries mod cores`
 * cores one entry more) and pull each entry's rows from its source's window, one entry after the
 * other. The entry counts do not depend on the rank count, but which sources are read at once
 * does: in step j core c of every rank reads the same source, so the step's reads concentrate on
 * the distinct sources of that step. With the barrier aligning the ranks, a step lasts the longer
 * of a rank's ingress (its active cores' rows) and the sources' egress (every rank's demand spread
 * over the distinct sources read in the step); the ratio of the sum to the ingress alone is the
 * hot-spot factor. 48 cores and 256 entries: 1.06 from 8 to 32 ranks, 1.71 at 64, 3.17 at 128.
 */

import { BoundedMemo } from "../spec/index.ts";
import type { LibraryId } from "../topology/index.ts";
import type { FabricModel } from "./fabric-model.ts";
import type { MoeCommRequest, MoeDirection } from "./moe-communication.ts";
import { builtinMoeKernelParams } from "./moe-kernel-params.ts";

/** copyOutHotSpot's results by (entries, cores, ranks). */
const hotSpots = new BoundedMemo<number>(10_000);

/**
 * Σ over the steps of max(ingress, source egress) ÷ Σ ingress (≥ 1), rows per entry equal
 * (uniform routing), ingress and egress per rank at the same rate, the own source read locally.
 * @example copyOutHotSpot(256, 48, 128) // ≈ 3.17
 */
export function copyOutHotSpot(entries: number, cores: number, ranks: number): number {
  if (!(ranks > 1) || !(entries >= 1) || !(cores >= 1)) return 1;
  // the same few (experts, cores, ranks) triples recur across a search's requests
  const key = `${entries}|${cores}|${ranks}`;
  return hotSpots.get(key, () => hotSpotOf(entries, cores, ranks));
}

function hotSpotOf(entries: number, cores: number, ranks: number): number {
  const per = Math.floor(entries / cores);
  const rem = entries % cores;
  let ingress = 0;
  let bound = 0;
  const load = new Map<number, number>();
  for (let step = 0; step <= per; step++) {
    load.clear();
    let active = 0;
    for (let c = 0; c < cores; c++) {
      if (step >= per + (c < rem ? 1 : 0)) continue;
      active++;
      const source = (per * c + Math.min(c, rem) + step) % ranks;
      load.set(source, (load.get(source) ?? 0) + 1);
    }
    if (active === 0) continue;
    // rows per core-step cancel: a rank's remote share in, and every rank's reads of a source out
    const inS = (active * (ranks - 1)) / ranks;
    const outS = (active * (ranks - 1)) / load.size;
    ingress += inS;
    bound += Math.max(inS, outS);
  }
  return ingress > 0 ? bound / ingress : 1;
}

/**
 * Extra seconds the copy-out order adds to a normal dispatch: the pulled remote rows at the rank's
 * read rate × (hot-spot factor − 1). Zero without the kernel structure or the expert count.
 * @example copyOutExcessS({ entries: 256, cores: 48, ranks: 128, remoteBytes: 2.2e8, readBytesPerS: 1.67e11 })
 */
export function copyOutExcessS(p: {
  readonly entries: number;
  readonly cores: number;
  readonly ranks: number;
  readonly remoteBytes: number;
  readonly readBytesPerS: number;
}): number {
  if (!(p.readBytesPerS > 0) || !(p.remoteBytes > 0)) return 0;
  const h = copyOutHotSpot(p.entries, p.cores, p.ranks);
  return (p.remoteBytes / p.readBytesPerS) * (h - 1);
}

/**
 * What the copy-out order adds to a MoE request's transfer: the library's normal dispatch with
 * routing over ranks of the scale-up fabric, its remote rows pulled at the scale-up read rate; 0
 * where it does not apply (combine, low-latency kernels, scale-out transport, one rank, a library
 * without `normalDispatchCopyOutCores`).
 * @example normalDispatchCopyOutS(req, fabricModel(cloudmatrix384), "cann-mc2", "dispatch", 2.2e8)
 */
export function normalDispatchCopyOutS(
  req: MoeCommRequest,
  model: FabricModel,
  library: LibraryId,
  direction: MoeDirection,
  remoteBytes: number,
): number {
  const cores = builtinMoeKernelParams()[library].normalDispatchCopyOutCores?.value;
  if (direction !== "dispatch" || req.kernels !== "normal" || cores === undefined) return 0;
  if (req.routing === undefined || req.transport === "scale-out" || req.ranks <= 1) return 0;
  const tech = model.scaleUpTech;
  const readBytesPerS = (model.accessBytesPerS / tech.writeFraction.value) * tech.readFraction.value;
  return copyOutExcessS({
    entries: req.routing.experts,
    cores,
    ranks: req.ranks,
    remoteBytes,
    readBytesPerS,
  });
}
