/**
 * Request records as lines of JSON for a stream of millions (`simulate --json`): the same text as
 * `requestJsonLine` (result-csv.ts), with the fields that repeat from record to record formatted
 * once. A line joined from 25 pieces costs more to build and to write out (V8 keeps it as a tree
 * of string pieces until it is flattened into the output chunk) than one joined from 9; in a run
 * of one workload the lengths and priority rarely change between consecutive records, and the
 * instances, preemptions and drop reason take few distinct values. Text cached: the run of keys
 * and values from "promptTokens" to the "ttftS" key (while the four values repeat), and from
 * "prefillInstance" to the end for requests neither preempted nor dropped (one per instance pair,
 * at most MAX_TAILS of them).
 */
import type { RequestRecord } from "./simulation-result.ts";

const MAX_TAILS = 4096;
/** Instance ids up to this (and -1) make a numeric tail key. */
const ID_LIMIT = 2 ** 20;

const jsonNumber = (x: number | null): string => (x === null ? "null" : JSON.stringify(x));

export class RequestJsonFormatter {
  private prompt = Number.NaN;
  private output = Number.NaN;
  private cached = Number.NaN;
  private priority = Number.NaN;
  private middle = "";
  private readonly tails = new Map<number, string>();

  /** `requestJsonLine(r)`: one record as a line of JSON (no newline). */
  line(r: RequestRecord): string {
    if (
      r.promptTokens !== this.prompt ||
      r.outputTokens !== this.output ||
      r.cachedTokens !== this.cached ||
      r.priority !== this.priority
    ) {
      this.prompt = r.promptTokens;
      this.output = r.outputTokens;
      this.cached = r.cachedTokens;
      this.priority = r.priority;
      this.middle = `,"promptTokens":${r.promptTokens},"outputTokens":${r.outputTokens},"cachedTokens":${r.cachedTokens},"priority":${r.priority},"ttftS":`;
    }
    return `{"id":${r.id},"arrivalS":${jsonNumber(r.arrivalS)}${this.middle}${jsonNumber(r.ttftS)},"e2eS":${jsonNumber(r.e2eS)}${this.tail(r)}`;
  }

  private tail(r: RequestRecord): string {
    const key = tailKey(r);
    let text = key === undefined ? undefined : this.tails.get(key);
    if (text === undefined) {
      text = `,"prefillInstance":${r.prefillInstance},"decodeInstance":${r.decodeInstance},"preemptions":${r.preemptions},"dropReason":${JSON.stringify(r.dropReason)}}`;
      if (key !== undefined && this.tails.size < MAX_TAILS) this.tails.set(key, text);
    }
    return text;
  }
}

/** A number naming the tail of a request neither preempted nor dropped, with instance ids in [-1, 2²⁰). */
function tailKey(r: RequestRecord): number | undefined {
  if (r.preemptions !== 0 || r.dropReason !== "") return undefined;
  const p = r.prefillInstance;
  const d = r.decodeInstance;
  if (!(Number.isInteger(p) && Number.isInteger(d) && p >= -1 && d >= -1 && p < ID_LIMIT && d < ID_LIMIT))
    return undefined;
  return (p + 1) * (ID_LIMIT + 1) + (d + 1);
}
