/**
 * The engine-wide counters of a run, kept from the engine's events: the number in the system
 * integrated over time (Little's law), arrivals and departures, prefix-cache hits, prefill work
 * requested and computed, and preemptions.
 */
import type { EngineEvent, EngineListener } from "./engine-event.ts";

export class EngineMetrics implements EngineListener {
  prefixEligible = 0;
  hbmHits = 0;
  poolHits = 0;
  prefillRequested = 0;
  prefillComputed = 0;
  swapPreemptions = 0;
  recomputePreemptions = 0;
  /** Requests in the system now. */
  inSystem = 0;
  /** ∫ inSystem dt up to the last change. */
  area = 0;
  arrived = 0;
  departed = 0;
  lastDepartureS = 0;
  private lastChangeS = 0;

  on(event: EngineEvent): void {
    switch (event.kind) {
      case "arrival":
        this.arrival(event.timeS);
        break;
      case "departure":
        this.departure(event.timeS);
        break;
      case "prefix-lookup":
        this.prefixEligible += event.tokens;
        if (event.hit === "hbm") this.hbmHits += event.tokens;
        else if (event.hit === "pool") this.poolHits += event.tokens;
        break;
      case "prefill-admitted":
        this.prefillAdmitted(event.tokens);
        break;
      case "iteration":
        this.prefillComputed += event.newTokens;
        break;
      case "preemption":
        if (event.mode === "swap") this.swapPreemptions++;
        else this.recomputePreemptions++;
        break;
      case "sample":
        break;
    }
  }

  /** The three most frequent kinds (one each per request), also called directly by the recorder. */
  arrival(timeS: number): void {
    this.change(timeS, +1);
    this.arrived++;
  }

  departure(timeS: number): void {
    this.change(timeS, -1);
    this.departed++;
    this.lastDepartureS = timeS;
  }

  prefillAdmitted(tokens: number): void {
    this.prefillRequested += tokens;
  }

  private change(nowS: number, by: number): void {
    this.area += this.inSystem * (nowS - this.lastChangeS);
    this.lastChangeS = nowS;
    this.inSystem += by;
  }
}
