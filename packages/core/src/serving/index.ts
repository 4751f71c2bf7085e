// Public surface of the `serving` layer: the discrete-event serving simulator.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export { type ChromeTrace, type ChromeTraceEvent, toChromeTrace } from "./chrome-trace.ts";
export type { EngineEvent, EngineEventKind, EngineListener } from "./engine-event.ts";
export { kvTransferPath, type PromptKvTransfer, promptKvTransfer } from "./kv-transfer-path.ts";
export { PERCENTILE_RELATIVE_ERROR } from "./latency-stats.ts";
export type { LengthSampler, WorkloadFiles } from "./length-distribution.ts";
export { type PrefixReuseRuns, prefixReuseRuns } from "./prefix-reuse-ratio.ts";
export { RequestJsonFormatter } from "./request-json-formatter.ts";
export { REQUEST_CSV_HEADER, requestCsvRow, requestJsonLine, timeSeriesToCsv } from "./result-csv.ts";
export { Rng } from "./rng.ts";
export { type SubmittedRate, serverRunAtRate } from "./server-at-rate.ts";
export {
  percentileOf,
  type ServerLimits,
  type ServerRate,
  type ServerRateOptions,
  type ServerRun,
  serverRate,
} from "./server-rate.ts";
export type { ServingModel, ServingPool, SimulateOptions } from "./serving-model.ts";
export { type SimulateScenarioOptions, servingModelOf, simulate } from "./simulate.ts";
export type {
  InstanceSummary,
  IterationTrace,
  LatencyStats,
  RequestRecord,
  RequestRecords,
  SimulationConfigEcho,
  SimulationProgress,
  SimulationResult,
  SimulationSummary,
  TimeSeries,
} from "./simulation-result.ts";
export type { RequestTrace } from "./trace-reader.ts";
export type { TransferModel, TransferPathSpec, TransferPlane } from "./transfer-model.ts";
