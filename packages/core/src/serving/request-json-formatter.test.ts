import { describe, expect, it } from "vitest";
import { RequestJsonFormatter } from "./request-json-formatter.ts";
import { requestJsonLine } from "./result-csv.ts";
import type { RequestRecord } from "./simulation-result.ts";

/** Records whose fields repeat, change and vary together: lengths, instances (-1 too), nulls, drops, preemptions. */
function records(n: number): RequestRecord[] {
  const out: RequestRecord[] = [];
  let state = 12345;
  const next = (k: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % k;
  };
  for (let id = 0; id < n; id++) {
    const dropped = next(20) === 0;
    out.push({
      id,
      arrivalS: id * 0.0083 + next(1000) / 7e5,
      promptTokens: next(4) === 0 ? 1024 + next(3) : 4096,
      outputTokens: next(5) === 0 ? 1 + next(300) : 256,
      cachedTokens: next(6) === 0 ? 64 : 0,
      priority: next(10) === 0 ? -1 : 0,
      ttftS: dropped ? null : next(50) / 97,
      e2eS: dropped ? null : next(5000) / 991,
      prefillInstance: dropped && next(2) === 0 ? -1 : next(7),
      decodeInstance: next(3) === 0 ? -1 : 6 + next(2),
      preemptions: next(15) === 0 ? 1 + next(3) : 0,
      dropReason: dropped ? (next(2) === 0 ? "queue-full" : "exceeds-kv-capacity") : "",
    });
  }
  return out;
}

describe("RequestJsonFormatter", () => {
  it("writes each record as requestJsonLine and JSON.stringify do, whatever repeats", () => {
    const formatter = new RequestJsonFormatter();
    for (const r of records(5000)) {
      const line = formatter.line(r);
      expect(line).toBe(requestJsonLine(r));
      expect(line).toBe(JSON.stringify(r));
    }
  });

  it("does not reuse a tail across instance ids outside the numeric key's range", () => {
    const formatter = new RequestJsonFormatter();
    const base = records(1)[0] as RequestRecord;
    for (const prefillInstance of [2 ** 20, 2 ** 20 + 1, 0, 2 ** 20]) {
      const r = { ...base, prefillInstance, preemptions: 0, dropReason: "" };
      expect(formatter.line(r)).toBe(JSON.stringify(r));
    }
  });
});
