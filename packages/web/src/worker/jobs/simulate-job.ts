/**
 * The Simulate view's job: parse the scenario, run core's serving simulator (`simulate`) with
 * progress, and reduce the result for the page (`simulationView`).
 */
import { parseScenario, simulate } from "@supernode/core";
import type { OnProgress } from "../handlers.ts";
import { type SimulationView, simulationView } from "./simulation-view.ts";

/**
 * The run is the document's: `workload.requests` and `workload.seed` come from the YAML (the
 * view's knobs edit it). `requests`/`seed` here override them only when given (tests, the CLI's
 * `--requests`/`--seed` semantics).
 */
export interface SimulateRequest {
  readonly text: string;
  readonly fileName: string;
  readonly requests?: number;
  readonly seed?: number;
}

/** @example simulateJob({ text, fileName: "s.yaml", requests: 2000, seed: 1 }, () => {}).ttftS.p99 */
export function simulateJob(request: SimulateRequest, onProgress: OnProgress): SimulationView {
  onProgress(0, "Building the step models…");
  const scenario = parseScenario(request.text, request.fileName);
  const result = simulate(scenario, {
    ...(request.requests === undefined ? {} : { requests: request.requests }),
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    onProgress: (p) => {
      const total = p.total ?? request.requests ?? 0;
      onProgress(
        total > 0 ? p.finished / total : 0,
        `${p.finished.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} requests finished, ${p.simTimeS.toFixed(1)} s simulated`,
      );
    },
  });
  return simulationView(result);
}
