/**
 * What a run records from the engine's events (engine-event.ts): the engine-wide metrics, the
 * iteration timeline, the time series and the per-request outcomes — each told the kinds it uses —
 * plus any listeners the caller adds, and the assembly of the plain-data `SimulationResult` at the end.
 */
import type { EngineEvent, EngineListener } from "./engine-event.ts";
import { EngineMetrics } from "./engine-metrics.ts";
import { InterTokenLatency } from "./inter-token-latency.ts";
import { IterationTimeline } from "./iteration-timeline.ts";
import type { MtpModel } from "./mtp.ts";
import { type RecordMode, RequestOutcomes } from "./request-outcomes.ts";
import type { RequestPool } from "./request-pool.ts";
import type { ServingInstance } from "./serving-instance.ts";
import { type ServingModel, totalChips } from "./serving-model.ts";
import type {
  InstanceSummary,
  SimulationConfigEcho,
  SimulationProgress,
  SimulationResult,
  SimulationSummary,
} from "./simulation-result.ts";
import { type SampledEngine, TimeSeriesSampler } from "./time-series-sampler.ts";

/** What the recorder reads from the engine. */
export interface RecordedEngine extends SampledEngine {
  readonly pool: RequestPool;
  readonly model: ServingModel;
  readonly mtp: MtpModel;
  readonly seed: number;
  readonly events: number;
}

export interface RecorderOptions {
  readonly requests: number | null;
  readonly durationS: number | null;
  readonly maxTraceEvents: number;
  readonly records: RecordMode;
  /** More listeners, told every event after the recorder's own parts. */
  readonly listeners?: readonly EngineListener[];
}

export class EngineRecorder {
  readonly metrics = new EngineMetrics();
  private readonly timeline: IterationTimeline;
  private readonly itl = new InterTokenLatency();
  private readonly sampler: TimeSeriesSampler;
  private readonly outcomes: RequestOutcomes;
  private readonly listeners: readonly EngineListener[];

  constructor(
    private readonly engine: RecordedEngine,
    private readonly options: RecorderOptions,
  ) {
    const serving = engine.model.serving;
    this.outcomes = new RequestOutcomes(serving.slo, options.records);
    this.timeline = new IterationTimeline(options.maxTraceEvents);
    const intervalS =
      serving.sampleIntervalS ?? (options.durationS !== null ? options.durationS / 500 : 0.05);
    this.sampler = new TimeSeriesSampler(engine, intervalS, () => this.metrics.inSystem);
    this.listeners = options.listeners ?? [];
  }

  /** The current time-series sampling interval. */
  get intervalS(): number {
    return this.sampler.intervalS;
  }

  /**
   * Tells the recorder's own parts the event — only those that use its kind, called directly, in
   * the order metrics, timeline, time series, outcomes (millions of events in a long run: no loop
   * over every part for every event) — then the caller's listeners.
   */
  emit(event: EngineEvent): void {
    switch (event.kind) {
      case "sample":
        this.sampler.on(event);
        break;
      case "iteration":
        this.metrics.on(event);
        this.timeline.on(event);
        this.itl.on(event);
        break;
      case "departure":
        this.departure(event.timeS, event.id);
        return; // departure tells the listeners
      default:
        this.metrics.on(event);
    }
    this.tell(event);
  }

  /**
   * A request entered the system. This and the next two are `emit` for the kinds that occur once
   * per request (three of the ~3.6 events per request at 10⁶ requests): they reach the recorder's
   * parts without an event object, built only when the caller added listeners.
   */
  arrival(timeS: number, id: number): void {
    this.metrics.arrival(timeS);
    if (this.listeners.length > 0) this.tell({ kind: "arrival", timeS, id });
  }

  /** A request left, finished or dropped (before its slot is released). */
  departure(timeS: number, id: number): void {
    this.metrics.departure(timeS);
    this.outcomes.retire(this.engine.pool, id);
    if (this.listeners.length > 0) this.tell({ kind: "departure", timeS, id });
  }

  /** A request joined a prefill batch, reserving `tokens` of KV. */
  prefillAdmitted(id: number, tokens: number): void {
    this.metrics.prefillAdmitted(tokens);
    if (this.listeners.length > 0) this.tell({ kind: "prefill-admitted", id, tokens });
  }

  private tell(event: EngineEvent): void {
    for (const listener of this.listeners) listener.on(event);
  }

  progress(nowS: number): SimulationProgress {
    const m = this.metrics;
    return { arrived: m.arrived, finished: m.departed, total: this.options.requests, simTimeS: nowS };
  }

  result(): SimulationResult {
    const span = this.metrics.lastDepartureS > 0 ? this.metrics.lastDepartureS : 1;
    const records = this.outcomes.records();
    return {
      config: this.config(),
      summary: this.summary(span),
      instances: this.instances(span),
      timeSeries: this.sampler.timeSeries(),
      ...(records !== undefined ? { requests: records } : {}),
      trace: this.timeline.trace(),
    };
  }

  private config(): SimulationConfigEcho {
    const { engine } = this;
    const model = engine.model;
    return {
      seed: engine.seed,
      stop: { requests: this.options.requests, durationS: this.options.durationS },
      mode: engine.colocated ? "colocated" : "disaggregated",
      router: model.serving.router,
      mtp: {
        draftTokens: engine.mtp.draftTokens,
        acceptance: engine.mtp.acceptance,
        sampling: engine.mtp.sampling,
      },
      kvTransfer: engine.colocated
        ? null
        : (model.kvTransfer?.description ?? "instantaneous (no path given)"),
      pooledTier:
        model.serving.prefixCache.enabled && model.serving.prefixCache.pooledTier.enabled
          ? (model.pooledTier?.transfer.description ?? null)
          : null,
    };
  }

  private summary(span: number): SimulationSummary {
    const { engine, metrics: m, outcomes: o } = this;
    const model = engine.model;
    const n = engine.pool.arrived;
    const completed = o.completed;
    const slo = model.serving.slo;
    const chips = totalChips(model);
    let iterations = 0;
    let decodeSteps = 0;
    for (const i of engine.instances) {
      iterations += i.iterations;
      decodeSteps += i.decodeSteps;
    }
    return {
      requests: { arrived: n, completed, dropped: n - completed, droppedByReason: { ...o.dropped } },
      simulatedS: m.lastDepartureS,
      ttftS: o.ttft.stats(),
      tpotS: o.tpot.stats(),
      itlS: this.itl.stats(),
      e2eS: o.e2e.stats(),
      queueDelayS: o.queueDelay.stats(),
      throughput: {
        requestsPerS: completed / span,
        inputTokensPerS: o.inputTokens / span,
        outputTokensPerS: o.outputTokens / span,
        inputTokensPerSPerChip: o.inputTokens / span / chips,
        outputTokensPerSPerChip: o.outputTokens / span / chips,
        chips,
      },
      slo: {
        ttftS: slo.ttftS ?? null,
        tpotS: slo.tpotS ?? null,
        attainment: n > 0 ? o.good / n : 0,
        goodputRequestsPerS: o.good / span,
        goodputOutputTokensPerS: o.goodTokens / span,
      },
      prefixCache: {
        eligibleTokens: m.prefixEligible,
        hbmHitTokens: m.hbmHits,
        poolHitTokens: m.poolHits,
        hitRate: m.prefixEligible > 0 ? (m.hbmHits + m.poolHits) / m.prefixEligible : 0,
      },
      prefill: { requestedTokens: m.prefillRequested, computedTokens: m.prefillComputed },
      preemptions: { recompute: m.recomputePreemptions, swap: m.swapPreemptions },
      littlesLaw: {
        meanInSystem: m.area / span,
        departuresPerS: m.departed / span,
        meanSojournS: m.departed > 0 ? o.sojournS / m.departed : 0,
      },
      engine: { events: engine.events, iterations, decodeSteps },
    };
  }

  private instances(span: number): InstanceSummary[] {
    const model = this.engine.model;
    return this.engine.instances.map((i: ServingInstance) => ({
      id: i.id,
      role: i.role,
      chips: (i.role === "prefill" ? model.prefill : i.role === "decode" ? model.decode : model.colocated)
        ?.chipsPerInstance as number,
      iterations: i.iterations,
      decodeSteps: i.decodeSteps,
      busyFraction: i.busyS / span,
      meanKvUse: i.kvArea / span,
      peakKvUse: i.kvPeak,
      kvCapacityTokens: i.kvCapacity,
      maxBatchSequences: i.maxSequences,
    }));
  }
}
