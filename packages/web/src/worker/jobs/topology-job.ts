import { builtinCatalog, type TopologyLayout, topologyLayout } from "@supernode/core";
import { buildTopology, ranksPerSystem, scaleUpBytesPerSPerRank } from "../core-pending.ts";

export interface TopologyJobResult {
  readonly systemId: string;
  readonly layout: TopologyLayout;
  readonly facts: readonly { readonly label: string; readonly value: string }[];
}

/**
 * The drawing of a built-in system's scale-up fabric, with a few facts about it.
 * @example topologyJob({ systemId: "gb200-nvl72" }).layout.bundles.length // 324
 */
export function topologyJob(request: { readonly systemId: string }): TopologyJobResult {
  const system = builtinCatalog().system(request.systemId);
  const topology = buildTopology(system);
  const layout = topologyLayout(topology, system);
  const count = (kind: string) => layout.glyphs.filter((g) => g.kind === kind).length;
  const fabric = system.scaleUp;
  const facts = [
    { label: "ranks (devices)", value: `${ranksPerSystem(system)}` },
    { label: `${layout.serverNoun}s`, value: `${system.nodes.value}` },
    { label: "scale-up switch chips", value: `${count("switch")}` },
    {
      label: fabric.kind === "two-tier-clos" ? "planes" : "switch tier",
      value: fabric.kind === "two-tier-clos" ? `${fabric.planes.value}` : "single, non-blocking",
    },
    {
      label: "scale-up per rank, per direction",
      value: `${(scaleUpBytesPerSPerRank(system) / 1e9).toFixed(0)} GB/s`,
    },
    { label: "fabric", value: fabric.technology },
  ];
  return { systemId: system.id, layout, facts };
}
