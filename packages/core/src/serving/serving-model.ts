/**
 * The input of the serving engine, independent of how it was built: the instance pools with their
 * step-time functions (`InstancePerformance`), the workload and serving sections, the transfer
 * paths, and the run options. `simulate(scenario, …)` builds one from a scenario; tests build them
 * from synthetic step models.
 */
import type { InstancePerformance } from "../perf/index.ts";
import type { ServingSpec, WorkloadSpec } from "../spec/index.ts";
import type { EngineListener } from "./engine-event.ts";
import type { WorkloadFiles } from "./length-distribution.ts";
import type { RequestRecord, SimulationProgress } from "./simulation-result.ts";
import type { TransferModel } from "./transfer-model.ts";

export interface ServingPool {
  readonly instances: number;
  readonly chipsPerInstance: number;
  readonly perf: InstancePerformance;
  /** The deployment's operating point (batch per chip × chips), used when the scheduler sets none. */
  readonly maxBatchSequences?: number;
  /**
   * KV tokens an instance holds (after the usable fraction) when the engine keeps a hybrid model's
   * recurrent state in a pool of its own (perf/hybrid-state-pool.ts); else capacity × usable.
   */
  readonly kvTokens?: number;
  /**
   * The pool's own token budget per iteration (a disaggregated pool's max_num_tokens), else the
   * scheduler's `maxBatchTokens`: a prefill iteration's new tokens; a decode step's sequences × (1 + draft tokens).
   */
  readonly maxBatchTokens?: number;
}

export interface ServingModel {
  /** Disaggregated: prefill and decode; colocated: colocated only. */
  readonly prefill?: ServingPool;
  readonly decode?: ServingPool;
  readonly colocated?: ServingPool;
  readonly workload: WorkloadSpec;
  readonly serving: ServingSpec;
  /** Texts of files the workload names (trace, histograms), keyed as written. */
  readonly files?: WorkloadFiles;
  /** Prefill → decode KV path of one prefill instance (disaggregated only). */
  readonly kvTransfer?: TransferModel;
  /** The pooled DRAM tier (EMS): path from the pool into one instance, and its capacity in KV tokens. */
  readonly pooledTier?: { readonly transfer: TransferModel; readonly capacityTokens: number };
  /** HBM ↔ host DRAM path of one instance, for swap preemption. */
  readonly swap?: TransferModel;
  /** MTP as planned by the deployment; else derived from the decode step model's mean tokens per step. */
  readonly mtp?: { readonly draftTokens: number; readonly acceptance: number };
}

export interface SimulateOptions {
  /** Requests to send (overrides the workload's). */
  readonly requests?: number;
  /** Simulated seconds during which requests are sent (overrides the workload's); the run then drains. */
  readonly durationS?: number;
  /** Overrides the workload's seed. */
  readonly seed?: number;
  /** Called every few thousand events. */
  readonly onProgress?: (progress: SimulationProgress) => void;
  /** Keep per-request records (overrides `serving.recordRequests`; off saves memory on huge runs). */
  readonly recordRequests?: boolean;
  /**
   * Streams each request's record here when it finishes or is dropped (completion order; `id` is
   * the arrival order) instead of keeping records in the result: memory stays bounded however
   * many requests run. Takes precedence over `recordRequests`.
   */
  readonly onRequest?: (record: RequestRecord) => void;
  /** Most iteration records kept for the timeline (default 200,000). */
  readonly maxTraceEvents?: number;
  /** Told every event of the engine as it happens (engine-event.ts), after the recorder. */
  readonly listeners?: readonly EngineListener[];
}

/** Chips of every instance the model runs (prefill, decode and colocated pools). */
export function totalChips(model: ServingModel): number {
  let chips = 0;
  for (const pool of [model.prefill, model.decode, model.colocated])
    if (pool !== undefined) chips += pool.instances * pool.chipsPerInstance;
  return chips;
}
