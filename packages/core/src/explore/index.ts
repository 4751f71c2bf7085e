// Public surface of the `explore` layer: deployment search, frontiers and sweep plans.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export { candidateYaml } from "./candidate-document.ts";
export { type ChunkedPoint, chunkedColocatedPoint, type RequestShape } from "./chunked-step.ts";
export { type FrontierInput, paretoFrontier, throughputAt } from "./frontier.ts";
export {
  type ExampleSeriesResult,
  FRONTIER_EXAMPLES,
  type FrontierExample,
  type FrontierExampleResult,
  frontierExample,
  runFrontierExample,
} from "./frontier-example.ts";
export { type LaunchConfig, type LaunchEngine, launchConfig, launchEngines } from "./launch-config.ts";
export { type PointEconomics, RANK_KEYS, type RankBy } from "./point-economics.ts";
export {
  isSearchDtype,
  type PrecisionChoice,
  precisionChoice,
  type SearchDtype,
} from "./precision-choices.ts";
export { type PrefillFeed, prefillFeed, workloadShape } from "./prefill-feed.ts";
export {
  type PrefillPoint,
  type PrefillSearchResult,
  type PrefillSpace,
  searchPrefill,
} from "./prefill-search.ts";
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
  defaultPrefillSpace,
  SERVING_MODES,
  type ServingMode,
  type ServingSearchOptions,
  type ServingSearchPoint,
  type ServingSearchResult,
  type ServingSpaces,
  searchServing,
} from "./serving-search.ts";
export { CHECK_ROUNDS, type SimulateCheck, simulateCheck } from "./simulate-check.ts";
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
  type SearchPointResult,
  type SimulatePointResult,
  type SweepPointResult,
  type SweepRecord,
  summarizeEstimate,
  summarizeSearch,
  summarizeSimulation,
  summarizeTrain,
  sweepLine,
  sweepRecord,
  type TrainPointResult,
} from "./sweep-record.ts";
