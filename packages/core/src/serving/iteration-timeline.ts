/**
 * The iteration timeline of a run (what the Chrome trace shows): one record per iteration or
 * decode window of every instance, in columns, up to a cap (then marked truncated).
 */
import type { EngineEvent, EngineListener } from "./engine-event.ts";
import type { IterationTrace } from "./simulation-result.ts";

export class IterationTimeline implements EngineListener {
  private readonly columns = {
    instance: [] as number[],
    startS: [] as number[],
    durationS: [] as number[],
    kind: [] as Array<"prefill" | "decode" | "mixed">,
    sequences: [] as number[],
    newTokens: [] as number[],
    steps: [] as number[],
  };
  private truncated = false;

  constructor(private readonly maxEvents: number) {}

  on(event: EngineEvent): void {
    if (event.kind !== "iteration") return;
    const t = this.columns;
    if (t.instance.length >= this.maxEvents) {
      this.truncated = true;
      return;
    }
    t.instance.push(event.instance);
    t.startS.push(event.startS);
    t.durationS.push(event.durationS);
    t.kind.push(event.phase);
    t.sequences.push(event.sequences);
    t.newTokens.push(event.newTokens);
    t.steps.push(event.steps);
  }

  trace(): IterationTrace {
    return { ...this.columns, truncated: this.truncated };
  }
}
