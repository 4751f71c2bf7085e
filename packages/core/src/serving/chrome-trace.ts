/**
 * A Chrome-trace / Perfetto timeline of a serving simulation: one track per instance with a span
 * per iteration (or per run of decode steps), and counter tracks for queue lengths and KV use.
 * Load the JSON in https://ui.perfetto.dev or chrome://tracing. Pure data building.
 */
import type { SimulationResult } from "./simulation-result.ts";

export interface ChromeTraceEvent {
  readonly name: string;
  readonly ph: "X" | "C" | "M";
  readonly pid: number;
  readonly tid?: number;
  /** Microseconds. */
  readonly ts?: number;
  readonly dur?: number;
  readonly args?: Readonly<Record<string, number | string>>;
}

export interface ChromeTrace {
  readonly traceEvents: ChromeTraceEvent[];
  readonly displayTimeUnit: "ms";
}

const PID = { prefill: 1, decode: 2, colocated: 3, counters: 4 } as const;
const US = 1e6;

/**
 * @example JSON.stringify(toChromeTrace(result)) // open in ui.perfetto.dev
 */
export function toChromeTrace(result: SimulationResult): ChromeTrace {
  const events: ChromeTraceEvent[] = [];
  const roles = new Set(result.instances.map((i) => i.role));
  for (const role of roles)
    events.push({ name: "process_name", ph: "M", pid: PID[role], args: { name: `${role} instances` } });
  for (const instance of result.instances)
    events.push({
      name: "thread_name",
      ph: "M",
      pid: PID[instance.role],
      tid: instance.id,
      args: { name: `${instance.role} ${instance.id} (${instance.chips} chips)` },
    });
  const trace = result.trace;
  for (let k = 0; k < trace.instance.length; k++) {
    const id = trace.instance[k] as number;
    const role = result.instances[id]?.role ?? "colocated";
    const steps = trace.steps[k] as number;
    const kind = trace.kind[k] as string;
    events.push({
      name: steps > 1 ? `${kind} ×${steps}` : kind,
      ph: "X",
      pid: PID[role],
      tid: id,
      ts: (trace.startS[k] as number) * US,
      dur: (trace.durationS[k] as number) * US,
      args: { sequences: trace.sequences[k] as number, newTokens: trace.newTokens[k] as number, steps },
    });
  }
  events.push({ name: "process_name", ph: "M", pid: PID.counters, args: { name: "queues and KV cache" } });
  const series = result.timeSeries;
  for (let k = 0; k < series.timeS.length; k++) {
    const ts = (series.timeS[k] as number) * US;
    events.push({
      name: "requests",
      ph: "C",
      pid: PID.counters,
      ts,
      args: {
        waitingPrefill: series.waitingPrefill[k] as number,
        waitingDecode: series.waitingDecode[k] as number,
        running: series.running[k] as number,
      },
    });
    events.push({
      name: "KV use",
      ph: "C",
      pid: PID.counters,
      ts,
      args: { prefill: series.kvUsePrefill[k] as number, decode: series.kvUseDecode[k] as number },
    });
  }
  return { traceEvents: events, displayTimeUnit: "ms" };
}
