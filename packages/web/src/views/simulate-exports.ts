/**
 * Downloads of a simulation run: per-request CSV, the whole view as JSON, and a Chrome trace
 * (Trace Event Format, opens in Perfetto or chrome://tracing) with one slice per request phase —
 * waiting + prefill until the first token, then decode — and the queue lengths as counters.
 */
import type { SimulationView } from "../worker/jobs/simulation-view.ts";

const num = (x: number | null | undefined) => (x === null || x === undefined ? "" : String(x));

/** One row per request: arrival, TTFT, end-to-end latency, tokens, TPOT (empty when dropped). */
export function runCsv(view: SimulationView): string {
  const r = view.records;
  const lines = ["request,arrival_s,ttft_s,e2e_s,prompt_tokens,output_tokens,tpot_s"];
  for (let i = 0; i < r.arrivalS.length; i++) {
    const ttft = r.ttftS[i] ?? null;
    const e2e = r.e2eS[i] ?? null;
    const n = r.outputTokens[i] ?? 0;
    const tpot = ttft !== null && e2e !== null && n > 1 ? (e2e - ttft) / (n - 1) : null;
    lines.push([i, r.arrivalS[i], num(ttft), num(e2e), r.promptTokens[i], n, num(tpot)].join(","));
  }
  return `${lines.join("\n")}\n`;
}

/** Lanes the trace spreads requests over (Perfetto draws one row per lane). */
const LANES = 64;
/** Requests drawn in the trace at most (the CSV has every record sent to the page). */
export const MAX_TRACE_REQUESTS = 20_000;

interface TraceEvent {
  name: string;
  ph: "X" | "C" | "M";
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  args?: Record<string, number | string>;
}

/** The run as a Chrome trace (timestamps in µs of simulated time). */
export function runTrace(view: SimulationView): string {
  const r = view.records;
  const events: TraceEvent[] = [
    { name: "process_name", ph: "M", ts: 0, pid: 1, tid: 0, args: { name: "requests" } },
    { name: "process_name", ph: "M", ts: 0, pid: 2, tid: 0, args: { name: "queues" } },
  ];
  const n = Math.min(r.arrivalS.length, MAX_TRACE_REQUESTS);
  for (let i = 0; i < n; i++) {
    const arrival = r.arrivalS[i] ?? 0;
    const ttft = r.ttftS[i] ?? null;
    const e2e = r.e2eS[i] ?? null;
    if (ttft === null || e2e === null) continue;
    const tid = i % LANES;
    const args = { request: i, prompt_tokens: r.promptTokens[i] ?? 0, output_tokens: r.outputTokens[i] ?? 0 };
    events.push({ name: "wait + prefill", ph: "X", ts: arrival * 1e6, dur: ttft * 1e6, pid: 1, tid, args });
    events.push({
      name: "decode",
      ph: "X",
      ts: (arrival + ttft) * 1e6,
      dur: (e2e - ttft) * 1e6,
      pid: 1,
      tid,
      args,
    });
  }
  const s = view.series;
  for (let i = 0; i < s.timeS.length; i++)
    events.push({
      name: "queue",
      ph: "C",
      ts: (s.timeS[i] ?? 0) * 1e6,
      pid: 2,
      tid: 0,
      args: {
        waitingPrefill: s.waitingPrefill[i] ?? 0,
        waitingDecode: s.waitingDecode[i] ?? 0,
        running: s.running[i] ?? 0,
      },
    });
  return JSON.stringify({ traceEvents: events, displayTimeUnit: "ms" });
}

/** Saves `text` as a file through a temporary link. */
export function download(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
