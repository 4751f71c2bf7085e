/**
 * What a run keeps of each request once it finishes or is dropped: counters, token sums, SLO
 * attainment and latency sketches (bounded memory), plus — when asked — its record, either kept in
 * growable columns for `SimulationResult.requests` or handed to a sink as it happens (streaming,
 * nothing kept). The request's slot in the pool is released right after.
 */

import type { ServingSpec } from "../spec/index.ts";
import { LatencySketch } from "./latency-stats.ts";
import { DROP_REASONS, type DropReason, REQUEST_STATE, type RequestPool } from "./request-pool.ts";
import type { RequestRecord, RequestRecords } from "./simulation-result.ts";

/** Where per-request records go: kept for the result, streamed to a callback, or nowhere. */
export type RecordMode =
  | { readonly kind: "keep" }
  | { readonly kind: "stream"; readonly sink: (record: RequestRecord) => void }
  | { readonly kind: "none" };

/** Growable columns of the kept records, indexed by arrival order. */
class RecordColumns {
  length = 0;
  private f64 = new Float64Array(0);
  private i32 = new Int32Array(0);
  private static readonly F = 3; // arrivalS, ttftS, e2eS
  private static readonly I = 8; // prompt, output, cached, priority, prefill, decode, preemptions, dropReason

  set(serial: number, f: readonly number[], i: readonly number[]): void {
    if (serial >= this.length) this.reserve(serial + 1);
    this.f64.set(f, serial * RecordColumns.F);
    this.i32.set(i, serial * RecordColumns.I);
  }

  private reserve(n: number): void {
    if (n * RecordColumns.F > this.f64.length) {
      const capacity = Math.max(n, (this.f64.length / RecordColumns.F) * 2, 1024);
      const f = new Float64Array(capacity * RecordColumns.F);
      f.set(this.f64);
      this.f64 = f;
      const i = new Int32Array(capacity * RecordColumns.I);
      i.set(this.i32);
      this.i32 = i;
    }
    this.length = n;
  }

  records(): RequestRecords {
    const n = this.length;
    const f = (k: number) =>
      Array.from({ length: n }, (_, id) => this.f64[id * RecordColumns.F + k] as number);
    const i = (k: number) =>
      Array.from({ length: n }, (_, id) => this.i32[id * RecordColumns.I + k] as number);
    const orNull = (xs: number[]) => xs.map((v) => (Number.isNaN(v) ? null : v));
    return {
      arrivalS: f(0),
      promptTokens: i(0),
      outputTokens: i(1),
      cachedTokens: i(2),
      priority: i(3),
      ttftS: orNull(f(1)),
      e2eS: orNull(f(2)),
      prefillInstance: i(4),
      decodeInstance: i(5),
      preemptions: i(6),
      dropReason: i(7).map((r) => DROP_REASONS[r - 1] ?? ""),
    };
  }
}

export class RequestOutcomes {
  readonly ttft = new LatencySketch();
  readonly tpot = new LatencySketch();
  readonly e2e = new LatencySketch();
  readonly queueDelay = new LatencySketch();
  readonly dropped: Record<DropReason, number> = {
    "queue-full": 0,
    "queue-timeout": 0,
    "exceeds-kv-capacity": 0,
  };
  completed = 0;
  inputTokens = 0;
  outputTokens = 0;
  sojournS = 0;
  good = 0;
  goodTokens = 0;
  private readonly columns: RecordColumns | undefined;

  constructor(
    private readonly slo: ServingSpec["slo"],
    private readonly mode: RecordMode,
  ) {
    this.columns = mode.kind === "keep" ? new RecordColumns() : undefined;
  }

  /** Takes a finished or dropped request's outcome from its slot (call before releasing the slot). */
  retire(pool: RequestPool, id: number): void {
    const arrival = pool.arrivalS[id] as number;
    const finish = (pool.finishS[id] as number) - arrival;
    this.sojournS += finish;
    const droppedReason = pool.state[id] === REQUEST_STATE.dropped ? (pool.dropReason[id] as number) : 0;
    let first = Number.NaN;
    let e2e = Number.NaN;
    if (droppedReason > 0) {
      const reason = DROP_REASONS[droppedReason - 1];
      if (reason !== undefined) this.dropped[reason]++;
    } else {
      first = (pool.firstTokenS[id] as number) - arrival;
      e2e = finish;
      this.complete(pool, id, first, finish);
    }
    if (this.mode.kind === "none") return;
    const serial = pool.serial[id] as number;
    const prompt = pool.promptTokens[id] as number;
    const output = pool.outputTokens[id] as number;
    const cached = pool.cachedTokens[id] as number;
    const priority = pool.priority[id] as number;
    const prefill = pool.prefillInstance[id] as number;
    const decode = pool.decodeInstance[id] as number;
    const preemptions = pool.preemptions[id] as number;
    if (this.mode.kind === "keep")
      this.columns?.set(
        serial,
        [arrival, first, e2e],
        [prompt, output, cached, priority, prefill, decode, preemptions, droppedReason],
      );
    else
      this.mode.sink({
        id: serial,
        arrivalS: arrival,
        promptTokens: prompt,
        outputTokens: output,
        cachedTokens: cached,
        priority,
        ttftS: Number.isNaN(first) ? null : first,
        e2eS: Number.isNaN(e2e) ? null : e2e,
        prefillInstance: prefill,
        decodeInstance: decode,
        preemptions,
        dropReason: DROP_REASONS[droppedReason - 1] ?? "",
      });
  }

  private complete(pool: RequestPool, id: number, first: number, finish: number): void {
    this.completed++;
    const output = pool.outputTokens[id] as number;
    this.inputTokens += pool.promptTokens[id] as number;
    this.outputTokens += output;
    this.ttft.add(first);
    this.e2e.add(finish);
    this.queueDelay.add((pool.startS[id] as number) - (pool.arrivalS[id] as number));
    const tpot = output > 1 ? (finish - first) / (output - 1) : Number.NaN;
    this.tpot.add(tpot);
    const okTtft = this.slo.ttftS === undefined || first <= this.slo.ttftS;
    const okTpot = this.slo.tpotS === undefined || output <= 1 || tpot <= this.slo.tpotS;
    if (okTtft && okTpot) {
      this.good++;
      this.goodTokens += output;
    }
  }

  /** The kept records (arrival order), or undefined when records were streamed or not kept. */
  records(): RequestRecords | undefined {
    return this.columns?.records();
  }
}
