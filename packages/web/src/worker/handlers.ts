/**
 * The jobs a worker can run: each handler takes a plain-data request, calls `@supernode/core` and
 * returns plain data shaped for the page. Handlers are pure functions, testable in Node.
 */
import { caseScenarioJob } from "./jobs/case-scenario-job.ts";
import { catalogJob } from "./jobs/catalog-job.ts";
import { compareJob } from "./jobs/compare-job.ts";
import { estimateJob } from "./jobs/estimate-job.ts";
import { type FrontierRequest, frontierJob } from "./jobs/frontier-job.ts";
import { type LoadSweepRequest, loadSweepJob } from "./jobs/load-sweep-job.ts";
import { type SimulateRequest, simulateJob } from "./jobs/simulate-job.ts";
import { type TopologyRequest, topologyJob } from "./jobs/topology-job.ts";
import { validateJob } from "./jobs/validate-job.ts";

export type OnProgress = (fraction: number, detail?: string) => void;

export const jobHandlers = {
  caseScenario: (request: { readonly caseId: string }) => caseScenarioJob(request),
  catalog: (_request: object) => catalogJob(),
  compare: (request: { readonly systemIds: readonly string[] }) => compareJob(request),
  estimate: (request: { readonly text: string; readonly fileName: string }) => estimateJob(request),
  frontier: (request: FrontierRequest, onProgress: OnProgress) => frontierJob(request, onProgress),
  loadSweep: (request: LoadSweepRequest, onProgress: OnProgress) => loadSweepJob(request, onProgress),
  simulate: (request: SimulateRequest, onProgress: OnProgress) => simulateJob(request, onProgress),
  topology: (request: TopologyRequest) => topologyJob(request),
  validate: (_request: object) => validateJob(),
};

export type JobHandlers = typeof jobHandlers;
