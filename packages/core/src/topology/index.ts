// Public surface of the `topology` layer: the graph of a system and its routing.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export {
  buildTopology,
  defaultScaleOutFabric,
  type FabricTarget,
  isCluster,
  ranksPerPackage,
  ranksPerSystem,
  scaleUpBytesPerSPerRank,
  scaleUpHopLatencyS,
} from "./build-topology.ts";
export {
  builtinFabricParams,
  byLibrary,
  type FabricParams,
  type LibraryId,
  type LibraryParams,
  type TechnologyGeneration,
  type TechnologyId,
  type TechnologyParams,
  technologyFor,
} from "./fabric-params.ts";
export {
  LINK_TIERS,
  type LinkTier,
  linkLabel,
  linkTierOf,
  type Network,
  type NodeKind,
  type Topology,
} from "./graph.ts";
export { MAX_HOPS, PathSet, type RouteNetwork, Router } from "./routing.ts";
