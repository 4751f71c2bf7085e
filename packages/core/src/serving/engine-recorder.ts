/**
 * Everything the serving engine measures while it runs (the in-system count integrated over time,
 * prefix-cache hits, prefill work, preemptions, the time series and the iteration timeline), and
 * the assembly of the plain-data `SimulationResult` at the end.
 */
import type { MtpModel } from "./mtp.ts";
import { type RecordMode, RequestOutcomes } from "./request-outcomes.ts";
import type { RequestPool } from "./request-pool.ts";
import type { ServingInstance } from "./serving-instance.ts";
import type { ServingModel } from "./serving-model.ts";
import type {
  InstanceSummary,
  SimulationProgress,
  SimulationResult,
  TimeSeries,
} from "./simulation-result.ts";

/** What the recorder reads from the engine. */
export interface RecordedEngine {
  readonly pool: RequestPool;
  readonly instances: readonly ServingInstance[];
  readonly prefillStage: readonly ServingInstance[];
  readonly decodeStage: readonly ServingInstance[];
  readonly colocated: boolean;
  readonly model: ServingModel;
  readonly mtp: MtpModel;
  readonly seed: number;
  readonly events: number;
}

const MAX_SAMPLES = 2000;

export class EngineRecorder {
  intervalS: number;
  prefixEligible = 0;
  hbmHits = 0;
  poolHits = 0;
  prefillComputed = 0;
  prefillRequested = 0;
  swapPreemptions = 0;
  recomputePreemptions = 0;

  private inSystem = 0;
  private area = 0;
  private lastChangeS = 0;
  private arrivedCount = 0;
  private departedCount = 0;
  private lastDepartureS = 0;
  private readonly series = {
    timeS: [] as number[],
    waitingPrefill: [] as number[],
    waitingDecode: [] as number[],
    running: [] as number[],
    inSystem: [] as number[],
    kvUsePrefill: [] as number[],
    kvUseDecode: [] as number[],
  };
  private readonly trace = {
    instance: [] as number[],
    startS: [] as number[],
    durationS: [] as number[],
    kind: [] as Array<"prefill" | "decode" | "mixed">,
    sequences: [] as number[],
    newTokens: [] as number[],
    steps: [] as number[],
  };
  private traceTruncated = false;
  private readonly outcomes: RequestOutcomes;

  constructor(
    private readonly engine: RecordedEngine,
    private readonly requests: number | null,
    private readonly durationS: number | null,
    private readonly maxTraceEvents: number,
    records: RecordMode,
  ) {
    this.outcomes = new RequestOutcomes(engine.model.serving.slo, records);
    this.intervalS = engine.model.serving.sampleIntervalS ?? (durationS !== null ? durationS / 500 : 0.05);
  }

  arrived(nowS: number): void {
    this.area += this.inSystem * (nowS - this.lastChangeS);
    this.lastChangeS = nowS;
    this.inSystem++;
    this.arrivedCount++;
  }

  departed(nowS: number): void {
    this.area += this.inSystem * (nowS - this.lastChangeS);
    this.lastChangeS = nowS;
    this.inSystem--;
    this.departedCount++;
    this.lastDepartureS = nowS;
  }

  /** Takes a finished or dropped request's outcome (before its slot is released). */
  retire(id: number): void {
    this.outcomes.retire(this.engine.pool, id);
  }

  progress(nowS: number): SimulationProgress {
    return { arrived: this.arrivedCount, finished: this.departedCount, total: this.requests, simTimeS: nowS };
  }

  iteration(
    instance: ServingInstance,
    durationS: number,
    kind: "prefill" | "decode" | "mixed",
    sequences: number,
    newTokens: number,
    steps: number,
  ): void {
    const t = this.trace;
    if (t.instance.length >= this.maxTraceEvents) {
      this.traceTruncated = true;
      return;
    }
    t.instance.push(instance.id);
    t.startS.push(instance.iterationStartS);
    t.durationS.push(durationS);
    t.kind.push(kind);
    t.sequences.push(sequences);
    t.newTokens.push(newTokens);
    t.steps.push(steps);
  }

  sample(nowS: number): void {
    const s = this.series;
    let waitingPrefill = 0;
    let running = 0;
    let kvPrefill = 0;
    for (const i of this.engine.prefillStage) {
      waitingPrefill += i.waitingCount;
      kvPrefill += i.kvCapacity > 0 ? i.kvUsedAt(i.stepAt(nowS)) / i.kvCapacity : 0;
    }
    let waitingDecode = 0;
    let kvDecode = 0;
    for (const i of this.engine.decodeStage) {
      waitingDecode += i.decodeWaiting.length + i.incoming + i.swapped.length;
      kvDecode += i.kvCapacity > 0 ? i.kvUsedAt(i.stepAt(nowS)) / i.kvCapacity : 0;
    }
    for (const i of this.engine.instances) running += i.decoding + i.active.length;
    s.timeS.push(nowS);
    s.waitingPrefill.push(waitingPrefill);
    s.waitingDecode.push(waitingDecode);
    s.running.push(running);
    s.inSystem.push(this.inSystem);
    s.kvUsePrefill.push(this.engine.colocated ? 0 : kvPrefill / this.engine.prefillStage.length);
    s.kvUseDecode.push(kvDecode / this.engine.decodeStage.length);
    if (s.timeS.length > MAX_SAMPLES) {
      for (const key of Object.keys(s) as Array<keyof typeof s>) {
        const column = s[key];
        let kept = 0;
        for (let k = 1; k < column.length; k += 2) column[kept++] = column[k] as number;
        column.length = kept;
      }
      this.intervalS *= 2;
    }
  }

  result(): SimulationResult {
    const engine = this.engine;
    const pool = engine.pool;
    const model = engine.model;
    const o = this.outcomes;
    const n = pool.arrived;
    const completed = o.completed;
    const inputTokens = o.inputTokens;
    const outputTokens = o.outputTokens;
    const good = o.good;
    const goodTokens = o.goodTokens;
    const span = this.lastDepartureS > 0 ? this.lastDepartureS : 1;
    const slo = model.serving.slo;
    let chips = 0;
    for (const pool of [model.prefill, model.decode, model.colocated])
      if (pool !== undefined) chips += pool.instances * pool.chipsPerInstance;
    const instances: InstanceSummary[] = engine.instances.map((i) => ({
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
    let iterations = 0;
    let decodeSteps = 0;
    for (const i of engine.instances) {
      iterations += i.iterations;
      decodeSteps += i.decodeSteps;
    }
    const droppedCount = n - completed;
    const records = o.records();
    return {
      config: {
        seed: engine.seed,
        stop: { requests: this.requests, durationS: this.durationS },
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
      },
      summary: {
        requests: { arrived: n, completed, dropped: droppedCount, droppedByReason: { ...o.dropped } },
        simulatedS: this.lastDepartureS,
        ttftS: o.ttft.stats(),
        tpotS: o.tpot.stats(),
        e2eS: o.e2e.stats(),
        queueDelayS: o.queueDelay.stats(),
        throughput: {
          requestsPerS: completed / span,
          inputTokensPerS: inputTokens / span,
          outputTokensPerS: outputTokens / span,
          inputTokensPerSPerChip: inputTokens / span / chips,
          outputTokensPerSPerChip: outputTokens / span / chips,
          chips,
        },
        slo: {
          ttftS: slo.ttftS ?? null,
          tpotS: slo.tpotS ?? null,
          attainment: n > 0 ? good / n : 0,
          goodputRequestsPerS: good / span,
          goodputOutputTokensPerS: goodTokens / span,
        },
        prefixCache: {
          eligibleTokens: this.prefixEligible,
          hbmHitTokens: this.hbmHits,
          poolHitTokens: this.poolHits,
          hitRate: this.prefixEligible > 0 ? (this.hbmHits + this.poolHits) / this.prefixEligible : 0,
        },
        prefill: { requestedTokens: this.prefillRequested, computedTokens: this.prefillComputed },
        preemptions: { recompute: this.recomputePreemptions, swap: this.swapPreemptions },
        littlesLaw: {
          meanInSystem: this.area / span,
          departuresPerS: this.departedCount / span,
          meanSojournS: this.departedCount > 0 ? o.sojournS / this.departedCount : 0,
        },
        engine: { events: engine.events, iterations, decodeSteps },
      },
      instances,
      timeSeries: { intervalS: this.intervalS, ...this.series } as TimeSeries,
      ...(records !== undefined ? { requests: records } : {}),
      trace: { ...this.trace, truncated: this.traceTruncated },
    };
  }
}
