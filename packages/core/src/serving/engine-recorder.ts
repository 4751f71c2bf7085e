/**
 * Everything the serving engine measures while it runs (the in-system count integrated over time,
 * prefix-cache hits, prefill work, preemptions, the time series and the iteration timeline), and
 * the assembly of the plain-data `SimulationResult` at the end.
 */
import { latencyStats } from "./latency-stats.ts";
import type { MtpModel } from "./mtp.ts";
import { DROP_REASONS, type DropReason, REQUEST_STATE, type RequestPool } from "./request-pool.ts";
import type { ServingInstance } from "./serving-instance.ts";
import type { ServingModel } from "./serving-model.ts";
import type {
  InstanceSummary,
  RequestRecords,
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

  constructor(
    private readonly engine: RecordedEngine,
    private readonly requests: number | null,
    private readonly durationS: number | null,
    private readonly maxTraceEvents: number,
    private readonly recordRequests: boolean,
  ) {
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
    const n = pool.count;
    const span = this.lastDepartureS > 0 ? this.lastDepartureS : 1;
    const ttft = new Float64Array(n).fill(Number.NaN);
    const tpot = new Float64Array(n).fill(Number.NaN);
    const e2e = new Float64Array(n).fill(Number.NaN);
    const queueDelay = new Float64Array(n).fill(Number.NaN);
    const dropped: Record<DropReason, number> = {
      "queue-full": 0,
      "queue-timeout": 0,
      "exceeds-kv-capacity": 0,
    };
    let completed = 0;
    let inputTokens = 0;
    let outputTokens = 0;
    let sojourn = 0;
    let good = 0;
    let goodTokens = 0;
    const slo = model.serving.slo;
    for (let id = 0; id < n; id++) {
      const arrival = pool.arrivalS[id] as number;
      sojourn += (pool.finishS[id] as number) - arrival;
      if (pool.state[id] === REQUEST_STATE.dropped) {
        const reason = DROP_REASONS[(pool.dropReason[id] as number) - 1];
        if (reason !== undefined) dropped[reason]++;
        continue;
      }
      completed++;
      const output = pool.outputTokens[id] as number;
      inputTokens += pool.promptTokens[id] as number;
      outputTokens += output;
      const first = (pool.firstTokenS[id] as number) - arrival;
      const finish = (pool.finishS[id] as number) - arrival;
      ttft[id] = first;
      e2e[id] = finish;
      queueDelay[id] = (pool.startS[id] as number) - arrival;
      if (output > 1) tpot[id] = (finish - first) / (output - 1);
      const okTtft = slo.ttftS === undefined || first <= slo.ttftS;
      const okTpot = slo.tpotS === undefined || output <= 1 || (tpot[id] as number) <= slo.tpotS;
      if (okTtft && okTpot) {
        good++;
        goodTokens += output;
      }
    }
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
        requests: { arrived: n, completed, dropped: droppedCount, droppedByReason: dropped },
        simulatedS: this.lastDepartureS,
        ttftS: latencyStats(ttft),
        tpotS: latencyStats(tpot),
        e2eS: latencyStats(e2e),
        queueDelayS: latencyStats(queueDelay),
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
          meanSojournS: this.departedCount > 0 ? sojourn / this.departedCount : 0,
        },
        engine: { events: engine.events, iterations, decodeSteps },
      },
      instances,
      timeSeries: { intervalS: this.intervalS, ...this.series } as TimeSeries,
      ...(this.recordRequests ? { requests: this.records(ttft, e2e) } : {}),
      trace: { ...this.trace, truncated: this.traceTruncated },
    };
  }

  private records(ttft: Float64Array, e2e: Float64Array): RequestRecords {
    const pool = this.engine.pool;
    const n = pool.count;
    const pick = <T>(f: (id: number) => T): T[] => Array.from({ length: n }, (_, id) => f(id));
    const orNull = (v: number) => (Number.isNaN(v) ? null : v);
    return {
      arrivalS: pick((id) => pool.arrivalS[id] as number),
      promptTokens: pick((id) => pool.promptTokens[id] as number),
      outputTokens: pick((id) => pool.outputTokens[id] as number),
      cachedTokens: pick((id) => pool.cachedTokens[id] as number),
      priority: pick((id) => pool.priority[id] as number),
      ttftS: pick((id) => orNull(ttft[id] as number)),
      e2eS: pick((id) => orNull(e2e[id] as number)),
      prefillInstance: pick((id) => pool.prefillInstance[id] as number),
      decodeInstance: pick((id) => pool.decodeInstance[id] as number),
      preemptions: pick((id) => pool.preemptions[id] as number),
      dropReason: pick((id) => DROP_REASONS[(pool.dropReason[id] as number) - 1] ?? ""),
    };
  }
}
