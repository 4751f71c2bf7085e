/**
 * CSV views of a serving simulation (pure string building): one row per request, or one row per
 * time-series sample. Numbers are written as JavaScript prints them, so output is deterministic.
 */
import type { SimulationResult } from "./simulation-result.ts";

/**
 * One row per request: id, arrival, lengths, cached tokens, TTFT, end-to-end latency, instances,
 * preemptions and drop reason. Empty when the run did not record requests.
 * @example requestsToCsv(result).split("\n")[0] // "id,arrivalS,promptTokens,..."
 */
export function requestsToCsv(result: SimulationResult): string {
  const r = result.requests;
  const header =
    "id,arrivalS,promptTokens,outputTokens,cachedTokens,priority,ttftS,e2eS,prefillInstance,decodeInstance,preemptions,dropReason";
  if (r === undefined) return `${header}\n`;
  const lines = [header];
  for (let id = 0; id < r.arrivalS.length; id++) {
    lines.push(
      [
        id,
        r.arrivalS[id],
        r.promptTokens[id],
        r.outputTokens[id],
        r.cachedTokens[id],
        r.priority[id],
        r.ttftS[id] ?? "",
        r.e2eS[id] ?? "",
        r.prefillInstance[id],
        r.decodeInstance[id],
        r.preemptions[id],
        r.dropReason[id],
      ].join(","),
    );
  }
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
