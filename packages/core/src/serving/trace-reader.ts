/**
 * Reads a request trace (text supplied by the caller) into typed arrays: arrival time, prompt and
 * output tokens, and an optional shared-prefix id with its length. JSONL: one object per line with
 * `arrivalS`, `promptTokens`, `outputTokens` and optionally `prefixId`, `prefixTokens`. CSV: a header
 * naming those columns (any order), then one request per line. Rows are sorted by arrival time.
 */
import { groupThousands, LIMITS, SupernodeError } from "../spec/index.ts";

export interface RequestTrace {
  readonly count: number;
  readonly arrivalS: Float64Array;
  readonly promptTokens: Int32Array;
  readonly outputTokens: Int32Array;
  /** Shared-prefix group index (-1: none); ids are numbered in order of first appearance. */
  readonly prefixGroup: Int32Array;
  readonly prefixTokens: Int32Array;
  readonly prefixGroups: number;
}

interface Row {
  arrivalS: number;
  promptTokens: number;
  outputTokens: number;
  prefixId: string | undefined;
  prefixTokens: number;
}

/**
 * @example parseTrace('{"arrivalS":0,"promptTokens":10,"outputTokens":5}\n', "t.jsonl").count // 1
 */
export function parseTrace(text: string, fileName: string, format?: "jsonl" | "csv"): RequestTrace {
  const kind = format ?? (fileName.toLowerCase().endsWith(".csv") ? "csv" : "jsonl");
  const rows = kind === "csv" ? csvRows(text, fileName) : jsonlRows(text, fileName);
  if (rows.length === 0)
    throw new SupernodeError("invalid-value", "the trace has no requests", { file: fileName });
  const order = rows
    .map((_, i) => i)
    .sort((a, b) => (rows[a]?.arrivalS ?? 0) - (rows[b]?.arrivalS ?? 0) || a - b);
  const n = rows.length;
  const trace = {
    count: n,
    arrivalS: new Float64Array(n),
    promptTokens: new Int32Array(n),
    outputTokens: new Int32Array(n),
    prefixGroup: new Int32Array(n),
    prefixTokens: new Int32Array(n),
    prefixGroups: 0,
  };
  const groups = new Map<string, number>();
  order.forEach((rowIndex, i) => {
    const row = rows[rowIndex] as Row;
    trace.arrivalS[i] = row.arrivalS;
    trace.promptTokens[i] = row.promptTokens;
    trace.outputTokens[i] = row.outputTokens;
    if (row.prefixId === undefined) {
      trace.prefixGroup[i] = -1;
    } else {
      let group = groups.get(row.prefixId);
      if (group === undefined) {
        group = groups.size;
        groups.set(row.prefixId, group);
      }
      trace.prefixGroup[i] = group;
      trace.prefixTokens[i] = row.prefixTokens;
    }
  });
  trace.prefixGroups = groups.size;
  return trace;
}

function jsonlRows(text: string, file: string): Row[] {
  const rows: Row[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new SupernodeError("syntax", "expected one JSON object per line", { file, line: i + 1 });
    }
    if (value === null || typeof value !== "object")
      throw new SupernodeError("syntax", "expected one JSON object per line", { file, line: i + 1 });
    const o = value as Record<string, unknown>;
    rows.push(checkRow(o.arrivalS, o.promptTokens, o.outputTokens, o.prefixId, o.prefixTokens, file, i + 1));
  });
  return rows;
}

function csvRows(text: string, file: string): Row[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((c) => c.trim());
  const column = (name: string) => header.indexOf(name);
  const columns = {
    arrivalS: column("arrivalS"),
    promptTokens: column("promptTokens"),
    outputTokens: column("outputTokens"),
    prefixId: column("prefixId"),
    prefixTokens: column("prefixTokens"),
  };
  if (columns.arrivalS < 0 || columns.promptTokens < 0 || columns.outputTokens < 0)
    throw new SupernodeError(
      "schema",
      `CSV header must name arrivalS, promptTokens and outputTokens (optionally prefixId, prefixTokens); found "${lines[0] ?? ""}"`,
      { file, line: 1 },
    );
  const rows: Row[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") continue;
    const cells = line.split(",").map((c) => c.trim());
    // An empty or missing cell is absent (Number("") would read it as 0).
    const cell = (index: number) => (index < 0 || cells[index] === "" ? undefined : cells[index]);
    const numberCell = (index: number) => {
      const text = cell(index);
      return text === undefined ? undefined : Number(text);
    };
    rows.push(
      checkRow(
        numberCell(columns.arrivalS),
        numberCell(columns.promptTokens),
        numberCell(columns.outputTokens),
        cell(columns.prefixId),
        numberCell(columns.prefixTokens),
        file,
        i + 1,
      ),
    );
  }
  return rows;
}

function checkRow(
  arrival: unknown,
  prompt: unknown,
  output: unknown,
  prefixId: unknown,
  prefixTokens: unknown,
  file: string,
  line: number,
): Row {
  const fail = (field: string, expected: string) =>
    new SupernodeError("invalid-value", `expected ${expected}`, { file, line, fieldPath: [field] });
  if (typeof arrival !== "number" || !Number.isFinite(arrival) || arrival < 0)
    throw fail("arrivalS", "a non-negative arrival time in seconds");
  const tokens = `a whole number of tokens from 1 to ${groupThousands(LIMITS.tokens)}`;
  if (typeof prompt !== "number" || !Number.isInteger(prompt) || prompt <= 0 || prompt > LIMITS.tokens)
    throw fail("promptTokens", tokens);
  if (typeof output !== "number" || !Number.isInteger(output) || output <= 0 || output > LIMITS.tokens)
    throw fail("outputTokens", tokens);
  if (prefixId === undefined || prefixId === null) {
    return {
      arrivalS: arrival,
      promptTokens: prompt,
      outputTokens: output,
      prefixId: undefined,
      prefixTokens: 0,
    };
  }
  if (
    typeof prefixTokens !== "number" ||
    !Number.isInteger(prefixTokens) ||
    prefixTokens <= 0 ||
    prefixTokens > prompt
  )
    throw fail("prefixTokens", "a positive integer no larger than promptTokens when prefixId is given");
  return {
    arrivalS: arrival,
    promptTokens: prompt,
    outputTokens: output,
    prefixId: String(prefixId),
    prefixTokens,
  };
}
