/**
 * The time series of a run: at each `sample` event, the requests waiting for prefill and for
 * decode, those running, those in the system, and the mean KV use per role. Past 2,000 samples
 * every other one is dropped and the interval doubles, so memory stays bounded.
 */
import type { EngineEvent, EngineListener } from "./engine-event.ts";
import type { ServingInstance } from "./serving-instance.ts";
import type { TimeSeries } from "./simulation-result.ts";

/** What the sampler reads from the engine. */
export interface SampledEngine {
  readonly instances: readonly ServingInstance[];
  readonly prefillStage: readonly ServingInstance[];
  readonly decodeStage: readonly ServingInstance[];
  readonly colocated: boolean;
}

const MAX_SAMPLES = 2000;

export class TimeSeriesSampler implements EngineListener {
  private readonly series = {
    timeS: [] as number[],
    waitingPrefill: [] as number[],
    waitingDecode: [] as number[],
    running: [] as number[],
    inSystem: [] as number[],
    kvUsePrefill: [] as number[],
    kvUseDecode: [] as number[],
  };

  /**
   * @param intervalS the first sampling interval (doubles as samples are thinned)
   * @param inSystem the requests in the system now
   */
  constructor(
    private readonly engine: SampledEngine,
    public intervalS: number,
    private readonly inSystem: () => number,
  ) {}

  on(event: EngineEvent): void {
    if (event.kind === "sample") this.sample(event.timeS);
  }

  timeSeries(): TimeSeries {
    return { intervalS: this.intervalS, ...this.series };
  }

  private sample(nowS: number): void {
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
    s.inSystem.push(this.inSystem());
    s.kvUsePrefill.push(this.engine.colocated ? 0 : kvPrefill / this.engine.prefillStage.length);
    s.kvUseDecode.push(kvDecode / this.engine.decodeStage.length);
    if (s.timeS.length > MAX_SAMPLES) this.thin();
  }

  /** Keeps every other sample and doubles the interval. */
  private thin(): void {
    const s = this.series;
    for (const key of Object.keys(s) as Array<keyof typeof s>) {
      const column = s[key];
      let kept = 0;
      for (let k = 1; k < column.length; k += 2) column[kept++] = column[k] as number;
      column.length = kept;
    }
    this.intervalS *= 2;
  }
}
