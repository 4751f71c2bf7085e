import {
  builtinCatalog,
  fabricModel,
  ranksPerSystem,
  scaleUpBytesPerSPerRank,
  type TopologyLayout,
  topologyLayout,
} from "@supernode/core";
import {
  type CollectiveLoad,
  collectiveLinkLoads,
  decodeDispatch,
  type LinkLoadResult,
} from "./link-loads.ts";

export interface TopologyRequest {
  readonly systemId: string;
  /** A collective whose link loads colour the drawing (flow-level engine). */
  readonly load?: CollectiveLoad;
  /** Or the MoE dispatch of a decode step of this scenario (text and file name). */
  readonly decodeStep?: { readonly text: string; readonly fileName: string };
}

export interface TopologyJobResult {
  readonly systemId: string;
  readonly ranks: number;
  readonly layout: TopologyLayout;
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  readonly load?: LinkLoadResult;
  /** What the load is, in words. */
  readonly loadDescription?: string;
}

/**
 * The drawing of a built-in system's scale-up fabric, a few facts about it and, optionally, the
 * link loads of a collective.
 * @example topologyJob({ systemId: "gb200-nvl72" }).layout.bundles.length // 324
 */
export function topologyJob(request: TopologyRequest): TopologyJobResult {
  const system = builtinCatalog().system(request.systemId);
  const model = fabricModel(system);
  const topology = model.topology();
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
  const result = { systemId: system.id, ranks: ranksPerSystem(system), layout, facts };
  if (request.decodeStep !== undefined) {
    const dispatch = decodeDispatch(request.decodeStep.text, request.decodeStep.fileName);
    return {
      ...result,
      load: collectiveLinkLoads(model, dispatch),
      loadDescription: `MoE dispatch of one layer in a decode step: ${dispatch.description}`,
    };
  }
  return request.load === undefined ? result : { ...result, load: collectiveLinkLoads(model, request.load) };
}
