/**
 * The inter-token latency (ITL) distribution of a run: every decode token's interval since the
 * same sequence's previous token, one value per token, as benchmark clients measure it (vLLM's
 * `benchmark_serving`, the ML.ENERGY benchmark: the median over all intervals of all requests,
 * ramp and drain included). Unlike TPOT (one mean per request), the distribution keeps the steps
 * that carry prefill chunks apart from the decode-only ones.
 *
 * From the engine's iteration events: a decode window of N steps gives its `decodes` sequences N
 * intervals each at the window's mean step (steps of one window differ only by their KV growth); a
 * mixed iteration gives each decoding sequence one interval of its whole duration; a prefill-only
 * iteration on an instance with decoding sequences delays their next token, so its time is carried
 * into the first interval of the instance's next decode step. The first token of a request (its
 * TTFT) is not an interval.
 */
import type { EngineEvent } from "./engine-event.ts";
import { LatencySketch } from "./latency-stats.ts";
import type { LatencyStats } from "./simulation-result.ts";

type IterationEvent = Extract<EngineEvent, { kind: "iteration" }>;

export class InterTokenLatency {
  private readonly sketch = new LatencySketch();
  /** Per instance: prefill-only time the decoding sequences have waited since their last token. */
  private readonly carryS: number[] = [];
  /** Per instance: how many sequences were decoding (and so waited) through that time. */
  private readonly waiting: number[] = [];

  on(event: IterationEvent): void {
    const { instance, durationS, decodes, steps } = event;
    if (decodes <= 0) return;
    if (event.phase === "prefill") {
      this.carryS[instance] = (this.carryS[instance] ?? 0) + durationS;
      this.waiting[instance] = Math.max(this.waiting[instance] ?? 0, decodes);
      return;
    }
    const stepS = durationS / steps;
    const carry = this.carryS[instance] ?? 0;
    if (carry > 0) {
      // Only the sequences that were decoding waited; one whose prompt that iteration prefilled
      // got its first token at its end (its TTFT), so its next interval is a plain step.
      const waited = Math.min(this.waiting[instance] ?? 0, decodes);
      this.carryS[instance] = 0;
      this.waiting[instance] = 0;
      this.sketch.add(stepS + carry, waited);
      this.sketch.add(stepS, decodes - waited + decodes * (steps - 1));
    } else this.sketch.add(stepS, decodes * steps);
  }

  stats(): LatencyStats {
    return this.sketch.stats();
  }
}
