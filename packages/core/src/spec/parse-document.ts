/**
 * Parsing of every user-facing document (YAML or JSON: hardware files, model configs, scenarios).
 * Syntax errors and schema violations become a `SupernodeError` that names the file, line, column
 * and field path, and says what was expected. Documents are parsed once at the edge; the result is
 * the schema's output type (read-only, defaults applied).
 */
import { type Document, isAlias, isMap, isSeq, LineCounter, parseDocument as parseYaml, visit } from "yaml";
import type { z } from "zod";
import { safeParseAdaptive } from "./adaptive-parse.ts";
import { SupernodeError } from "./errors.ts";
import { preparsedData, registerPreparsed } from "./preparsed-data.ts";

/** A parsed YAML/JSON document that can map a field path back to its line and column. */
export interface SourceDocument {
  readonly fileName: string;
  readonly data: unknown;
  /** 1-based line and column of the value at `path`, or of its nearest existing ancestor. */
  locate(path: ReadonlyArray<PropertyKey>): { line: number; column: number } | undefined;
}

/**
 * Parses YAML (or JSON, which is YAML) text.
 * @example const doc = readSourceDocument("gpu: h100\n", "scenario.yaml"); doc.data // { gpu: "h100" }
 */
export function readSourceDocument(text: string, fileName: string): SourceDocument {
  const data = preparsedData(text);
  if (data === undefined) return parseSourceDocument(text, fileName);
  let parsed: SourceDocument | undefined;
  return {
    fileName,
    data,
    locate: (path) => {
      parsed ??= parseSourceDocument(text, fileName);
      return parsed.locate(path);
    },
  };
}

/** True when JSON carries `value` unchanged: plain objects, arrays, strings, booleans, null, finite numbers other than -0. */
function jsonCarries(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonCarries);
  if (typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.entries(value).every(([key, child]) => key !== "__proto__" && jsonCarries(child));
}

/**
 * Parses a document that will be read many times (the fuzz harness's host scenario) once, so that
 * readSourceDocument reads its data with JSON.parse from then on, as it does built-in files
 * (preparsed-data.ts). A text with an error, or data JSON cannot carry, is left to parse each time.
 * @example preparseDocument(hostScenarioText)
 */
export function preparseDocument(text: string): void {
  if (preparsedData(text) !== undefined) return;
  let data: unknown;
  try {
    data = parseSourceDocument(text, "(preparsed)").data;
  } catch {
    return;
  }
  if (jsonCarries(data)) registerPreparsed(text, JSON.stringify(data));
}

function parseSourceDocument(text: string, fileName: string): SourceDocument {
  const lineCounter = new LineCounter();
  const document: Document = parseYaml(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = document.errors[0];
  if (first !== undefined) {
    const pos = lineCounter.linePos(first.pos[0]);
    const reason = first.message.split("\n")[0] ?? first.message;
    throw new SupernodeError("syntax", `YAML/JSON syntax error: ${reason}`, {
      file: fileName,
      line: pos.line,
      column: pos.col,
    });
  }
  const data = toPlainData(document, lineCounter, fileName);
  return {
    fileName,
    data,
    locate(path) {
      let node: unknown = document.contents;
      let best: { line: number; column: number } | undefined = positionOf(node, lineCounter);
      for (const key of path) {
        if (isMap(node)) node = node.items.find((pair) => keyMatches(pair.key, key))?.value;
        else if (isSeq(node) && typeof key === "number") node = node.items[key];
        else break;
        const pos = positionOf(node, lineCounter);
        if (pos === undefined) break;
        best = pos;
      }
      return best;
    },
  };
}

/** Documents nest no deeper than this (the deepest built-in one nests 6 levels). */
export const MAX_DOCUMENT_DEPTH = 64;
/** Alias expansions allowed in one document: a few hundred is generous, a bomb needs millions. */
const MAX_ALIAS_COUNT = 1000;

/**
 * The document as plain data. An alias with no anchor, an alias bomb (aliases of aliases that expand
 * to millions of nodes) and absurd nesting are syntax errors at the offending line, not a
 * ReferenceError or a stack overflow.
 */
function toPlainData(document: Document, lineCounter: LineCounter, fileName: string): unknown {
  const at = (offset: number | undefined, detail: string): SupernodeError => {
    const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
    return new SupernodeError("syntax", detail, {
      file: fileName,
      ...(pos === undefined ? { line: 1, column: 1 } : { line: pos.line, column: pos.col }),
    });
  };
  let unresolved: { name: string; offset: number | undefined } | undefined;
  let depthOffset: number | undefined;
  visit(document, {
    Alias(_key, node) {
      if (unresolved === undefined && node.resolve(document) === undefined)
        unresolved = { name: node.source, offset: node.range?.[0] };
    },
    Collection(_key, node, path) {
      if (depthOffset === undefined && path.length > 2 * MAX_DOCUMENT_DEPTH)
        depthOffset = node.range?.[0] ?? 0;
    },
  });
  if (unresolved !== undefined)
    throw at(
      unresolved.offset,
      `alias *${unresolved.name} names no anchor defined before it (expected &${unresolved.name} earlier in the file)`,
    );
  if (depthOffset !== undefined)
    throw at(
      depthOffset,
      `the document nests deeper than ${MAX_DOCUMENT_DEPTH} levels; no Supernode document is that deep`,
    );
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let first: number | undefined;
    visit(document, {
      Alias(_key, node) {
        first ??= node.range?.[0];
        return isAlias(node) ? visit.BREAK : undefined;
      },
    });
    throw at(
      first,
      `aliases expand to more than ${MAX_ALIAS_COUNT} nodes (an alias bomb?); write the values out or use fewer aliases`,
    );
  }
}

function keyMatches(key: unknown, wanted: PropertyKey): boolean {
  const value =
    key !== null && typeof key === "object" && "value" in key ? (key as { value: unknown }).value : key;
  return String(value) === String(wanted);
}

function positionOf(node: unknown, lineCounter: LineCounter): { line: number; column: number } | undefined {
  if (node === null || typeof node !== "object" || !("range" in node)) return undefined;
  const range = (node as { range?: [number, number, number] | null }).range;
  if (!range) return undefined;
  const pos = lineCounter.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

/**
 * Validates a parsed document against a zod schema, turning the first issue into a
 * `SupernodeError` at the offending field.
 * @example const chip = validateDocument(readSourceDocument(text, "chip.yaml"), chipFileSchema);
 */
export function validateDocument<S extends z.ZodType>(doc: SourceDocument, schema: S): z.output<S> {
  const result = safeParseAdaptive(schema, doc.data);
  if (result.success) return result.data;
  throw schemaError(result.error, doc.fileName, doc.locate);
}

/**
 * The first issue of a failed validation as a `SupernodeError` at its field (the number of further
 * issues in the message). `locate` maps the issue's path to a line and column; `prefix` is the path
 * of the validated value within its file, prepended to the field path shown.
 * @example throw schemaError(result.error, "my.yaml", (path) => doc.locate(["chips", 0, ...path]), ["chips", 0]);
 */
export function schemaError(
  error: z.ZodError,
  fileName: string,
  locate: SourceDocument["locate"],
  prefix: ReadonlyArray<string | number> = [],
): SupernodeError {
  const first = error.issues[0];
  const issue = first === undefined ? undefined : innermostIssue(first);
  const path = issue?.path ?? [];
  const more = error.issues.length > 1 ? ` (${error.issues.length - 1} more problem(s) after this one)` : "";
  const pos = locate(path);
  return new SupernodeError("schema", `${issue?.message ?? "does not match its schema"}${more}`, {
    file: fileName,
    line: pos?.line,
    column: pos?.column,
    fieldPath: [...prefix, ...path],
  });
}

type Path = Array<string | number>;
interface PlainIssue {
  readonly path: Path;
  readonly message: string;
}

const plainPath = (path: ReadonlyArray<PropertyKey>): Path =>
  path.filter((p): p is string | number => typeof p === "string" || typeof p === "number");

/**
 * A union's bare "Invalid input" made useful: the alternative that got furthest into the document
 * speaks, preferring one that matched its literal fields (a discriminator such as `distribution`);
 * when every alternative failed on the same literal, the allowed values are merged. An alternative
 * of another type (a list where a word was given) matched nothing: beside literals it does not
 * speak for the union, it is named after the allowed values.
 */
function innermostIssue(issue: z.core.$ZodIssue): PlainIssue {
  const path = plainPath(issue.path);
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return { path, message: issue.message };
  const firsts = issue.errors
    .map((branch) => branch[0])
    .filter((b): b is z.core.$ZodIssue => b !== undefined)
    .map((b) => ({ raw: b, inner: innermostIssue(b) }));
  const deepest = Math.max(...firsts.map((f) => f.inner.path.length));
  const candidates = firsts.filter((f) => f.inner.path.length === deepest);
  const literals = candidates.some((f) => f.raw.code === "invalid_value");
  const otherType = (f: (typeof candidates)[number]) =>
    literals && deepest === 0 && f.raw.code === "invalid_type";
  const matched = candidates.find((f) => f.raw.code !== "invalid_value" && !otherType(f));
  if (matched !== undefined)
    return { path: [...path, ...matched.inner.path], message: matched.inner.message };
  const field = fieldOfFewest(candidates.map((f) => f.inner.path));
  const atField = candidates.filter((f) => pathKey(f.inner.path) === pathKey(field));
  const at = atField[0]?.inner.path ?? [];
  const values = atField.flatMap((f) => (f.raw.code === "invalid_value" ? f.raw.values : []));
  if (values.length === 0) return { path, message: issue.message };
  const types = new Set(
    candidates.flatMap((f) => (otherType(f) && f.raw.code === "invalid_type" ? [f.raw.expected] : [])),
  );
  const alternatives =
    types.size === 0
      ? ""
      : `, or ${[...types].map((t) => `a${/^[aeiou]/.test(t) ? "n" : ""} ${t}`).join(" or ")}`;
  return {
    path: [...path, ...at],
    message: `expected ${fieldName([...path, ...at])} to be one of ${values.map((v) => JSON.stringify(v)).join(", ")}${alternatives}`,
  };
}

/**
 * Where the union's branches fail at different fields, the field the fewest branches fail at: the
 * others all fail at the tag they share (`distribution`), the one whose tag matched fails further on
 * (`placement`), and its allowed words are the ones to name. One field: that field.
 */
function fieldOfFewest(paths: readonly Path[]): Path {
  const counts = new Map<string, { path: Path; n: number }>();
  for (const path of paths) {
    const entry = counts.get(pathKey(path)) ?? { path, n: 0 };
    counts.set(pathKey(path), { path: entry.path, n: entry.n + 1 });
  }
  let best: { path: Path; n: number } | undefined;
  for (const entry of counts.values()) if (best === undefined || entry.n < best.n) best = entry;
  return best?.path ?? [];
}

function pathKey(path: Path): string {
  return JSON.stringify(path);
}

/** A field path as a message names it: `cudaGraphScope`, `modules[0]`; "the value" at the root. */
function fieldName(path: Path): string {
  let key = path.length - 1;
  while (key >= 0 && typeof path[key] === "number") key -= 1;
  const indices = path
    .slice(key + 1)
    .map((i) => `[${String(i)}]`)
    .join("");
  return `${key < 0 ? "the value" : String(path[key])}${indices}`;
}

/** Parse + validate in one step. */
export function parseDocument<S extends z.ZodType>(text: string, fileName: string, schema: S): z.output<S> {
  return validateDocument(readSourceDocument(text, fileName), schema);
}
