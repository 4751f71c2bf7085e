/**
 * Blast radius of one failed chip. A synchronous job stops everywhere on any failure (the goodput
 * model counts that); this is what stays out afterwards when the job goes on without a spare:
 * - the replaceable unit drained with the chip: its node (an 8-GPU HGX server, a 4-GPU NVL72
 *   compute tray, an 8-NPU CloudMatrix384 node);
 * - the chips idled because model-parallel replicas (chips ÷ dp, which the layout keeps inside a
 *   scale-up domain where it can) no longer fit in what the domain has left. A replica larger
 *   than a scale-up domain loses one whole replica.
 *
 * @example blastRadius(8, 8, 8).idledChips // 8: an HGX server, replica of one server
 */
export interface BlastRadius {
  /** Chips of the failed chip's node (the unit that is drained and repaired). */
  readonly nodeChips: number;
  /** Chips in its scale-up domain (the system). */
  readonly domainChips: number;
  /** Chips in one model-parallel replica (chips ÷ data parallelism). */
  readonly replicaChips: number;
  /** Chips idled until the node returns, node included. */
  readonly idledChips: number;
}

/** Blast radius for a node size, domain size and replica size (all in chips). */
export function blastRadius(nodeChips: number, domainChips: number, replicaChips: number): BlastRadius {
  let idledChips: number;
  if (replicaChips > domainChips) {
    idledChips = Math.max(replicaChips, nodeChips);
  } else {
    const before = Math.floor(domainChips / replicaChips);
    const after = Math.floor(Math.max(0, domainChips - nodeChips) / replicaChips);
    idledChips = Math.max(nodeChips, (before - after) * replicaChips);
  }
  return { nodeChips, domainChips, replicaChips, idledChips };
}
