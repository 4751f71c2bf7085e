// Public surface of the `explore` layer: deployment search, frontiers and sweep plans.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export { candidateYaml } from "./candidate-document.ts";
export { type FrontierInput, paretoFrontier } from "./frontier.ts";
export {
  type SearchOptions,
  type SearchPoint,
  type SearchResult,
  type Slo,
  searchDeployments,
} from "./search.ts";
export {
  type Candidate,
  type CandidateContext,
  defaultSearchSpace,
  type ExpertCounts,
  type Layout,
  type SearchSpace,
} from "./search-space.ts";
export {
  expandSweep,
  parseShard,
  parseSweepPlan,
  pointOverrides,
  type SweepPoint,
  shardPoints,
  sweepHash,
} from "./sweep-points.ts";
export {
  type EstimatePointResult,
  mergeSweepRecords,
  parseSweepLines,
  type SimulatePointResult,
  type SweepPointResult,
  type SweepRecord,
  summarizeEstimate,
  summarizeSimulation,
  sweepLine,
  sweepRecord,
} from "./sweep-record.ts";
