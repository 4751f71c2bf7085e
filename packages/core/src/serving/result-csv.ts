/**
 * CSV views of a serving simulation (pure string building): one row per request, or one row per
 * time-series sample. Numbers are written as JavaScript prints them, so output is deterministic.
 */
import type { RequestRecord, SimulationResult } from "./simulation-result.ts";

/** Header of the per-request CSV. */
export const REQUEST_CSV_HEADER =
  "id,arrivalS,promptTokens,outputTokens,cachedTokens,priority,ttftS,e2eS,prefillInstance,decodeInstance,preemptions,dropReason";

/** One per-request CSV row (no newline), e.g. for records streamed by `SimulateOptions.onRequest`. */
export function requestCsvRow(r: RequestRecord): string {
  return [
    r.id,
    r.arrivalS,
    r.promptTokens,
    r.outputTokens,
    r.cachedTokens,
    r.priority,
    r.ttftS ?? "",
    r.e2eS ?? "",
    r.prefillInstance,
    r.decodeInstance,
    r.preemptions,
    r.dropReason,
  ].join(",");
}

// JSON.stringify of a number is String(x) for a finite x and "null" otherwise (as JSON.stringify
// writes the record), and V8 converts a lone number through it faster than through String(x).
const jsonNumber = (x: number | null): string => (x === null ? "null" : JSON.stringify(x));

/**
 * A request record as one line of JSON, the same text as `JSON.stringify(record)` (same keys in
 * the same order) without its generic walk: for streaming millions of records.
 */
export function requestJsonLine(r: RequestRecord): string {
  return `{"id":${r.id},"arrivalS":${jsonNumber(r.arrivalS)},"promptTokens":${r.promptTokens},"outputTokens":${r.outputTokens},"cachedTokens":${r.cachedTokens},"priority":${r.priority},"ttftS":${jsonNumber(r.ttftS)},"e2eS":${jsonNumber(r.e2eS)},"prefillInstance":${r.prefillInstance},"decodeInstance":${r.decodeInstance},"preemptions":${r.preemptions},"dropReason":${JSON.stringify(r.dropReason)}}`;
}

/**
 * One row per request (arrival order): id, arrival, lengths, cached tokens, TTFT, end-to-end
 * latency, instances, preemptions and drop reason. Empty when the run did not record requests.
 * @example requestsToCsv(result).split("\n")[0] // "id,arrivalS,promptTokens,..."
 */
export function requestsToCsv(result: SimulationResult): string {
  const r = result.requests;
  if (r === undefined) return `${REQUEST_CSV_HEADER}\n`;
  const lines = [REQUEST_CSV_HEADER];
  for (let id = 0; id < r.arrivalS.length; id++)
    lines.push(
      requestCsvRow({
        id,
        arrivalS: r.arrivalS[id] as number,
        promptTokens: r.promptTokens[id] as number,
        outputTokens: r.outputTokens[id] as number,
        cachedTokens: r.cachedTokens[id] as number,
        priority: r.priority[id] as number,
        ttftS: r.ttftS[id] ?? null,
        e2eS: r.e2eS[id] ?? null,
        prefillInstance: r.prefillInstance[id] as number,
        decodeInstance: r.decodeInstance[id] as number,
        preemptions: r.preemptions[id] as number,
        dropReason: r.dropReason[id] ?? "",
      }),
    );
  return `${lines.join("\n")}\n`;
}

/**
 * One row per sample of the queue-length / KV-use time series.
 * @example timeSeriesToCsv(result).split("\n")[0] // "timeS,waitingPrefill,..."
 */
export function timeSeriesToCsv(result: SimulationResult): string {
  const s = result.timeSeries;
  const lines = ["timeS,waitingPrefill,waitingDecode,running,inSystem,kvUsePrefill,kvUseDecode"];
  for (let k = 0; k < s.timeS.length; k++)
    lines.push(
      [
        s.timeS[k],
        s.waitingPrefill[k],
        s.waitingDecode[k],
        s.running[k],
        s.inSystem[k],
        s.kvUsePrefill[k],
        s.kvUseDecode[k],
      ].join(","),
    );
  return `${lines.join("\n")}\n`;
}
