/**
 * The Simulate view's job: parse the scenario, run core's serving simulator with progress, and
 * reduce the result for the page (`simulationView`).
 */
import { SupernodeError } from "@supernode/core";
import type { OnProgress } from "../handlers.ts";
import type { SimulationView } from "./simulation-view.ts";

export interface SimulateRequest {
  readonly text: string;
  readonly fileName: string;
  readonly requests: number;
  readonly seed: number;
}

export function simulateJob(_request: SimulateRequest, _onProgress: OnProgress): SimulationView {
  // Pending: core's simulate(scenario, options) is not exported yet (issue 6 in progress).
  throw new SupernodeError(
    "unsupported",
    "the serving simulator is not in this build of @supernode/core yet",
  );
}
