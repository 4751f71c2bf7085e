/**
 * The one error type users see. Every failure caused by input (a file, a flag, a configuration
 * that cannot run) is a `SupernodeError` whose message is one paragraph that names where the
 * problem is (file:line:col and field path when known), what was expected and, where it helps,
 * what to do. The CLI prints `message` and exits non-zero; it never shows a stack trace for these.
 *
 * @example
 * throw new SupernodeError("invalid-value", "bandwidth must be positive", {
 *   file: "my-chip.yaml", line: 12, column: 5, fieldPath: ["memory", "bandwidthGBps"],
 * });
 */
export type SupernodeErrorKind =
  | "unknown-id" // an id that is not in the catalog (with suggestions)
  | "syntax" // a YAML or JSON syntax error
  | "schema" // a document that does not match its schema
  | "invalid-value" // a value that parses but is impossible (zero bandwidth, a cycle)
  | "unsupported" // valid input the model does not support (a dtype the chip lacks)
  | "infeasible" // a configuration that cannot run (does not fit, does not divide)
  | "usage"; // a bad command-line flag or argument

export interface ErrorLocation {
  /** A `--set key=value` override that wrote the offending value (named instead of the file). */
  override?: string;
  file?: string;
  line?: number;
  column?: number;
  fieldPath?: ReadonlyArray<string | number>;
}

export class SupernodeError extends Error {
  readonly kind: SupernodeErrorKind;
  readonly location: ErrorLocation;
  /** The message without its location prefix. */
  readonly detail: string;

  constructor(kind: SupernodeErrorKind, detail: string, location: ErrorLocation = {}) {
    super(formatMessage(detail, location));
    this.name = "SupernodeError";
    this.kind = kind;
    this.location = location;
    this.detail = detail;
  }
}

/** `a.b[2].c` for a field path. */
export function formatFieldPath(path: ReadonlyArray<string | number>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}

function formatMessage(detail: string, loc: ErrorLocation): string {
  if (loc.override !== undefined) {
    const key = loc.override.slice(0, Math.max(0, loc.override.indexOf("=")));
    const field = loc.fieldPath !== undefined ? formatFieldPath(loc.fieldPath) : key;
    return `--set ${loc.override}${field !== key ? ` (field ${field})` : ""}: ${detail}`;
  }
  const where: string[] = [];
  if (loc.file !== undefined) {
    let position = loc.file;
    if (loc.line !== undefined) position += `:${loc.line}`;
    if (loc.line !== undefined && loc.column !== undefined) position += `:${loc.column}`;
    where.push(position);
  }
  if (loc.fieldPath !== undefined && loc.fieldPath.length > 0)
    where.push(`field ${formatFieldPath(loc.fieldPath)}`);
  return where.length > 0 ? `${where.join(", ")}: ${detail}` : detail;
}

/** True for errors that the CLI shows as a one-paragraph message rather than a crash. */
export function isSupernodeError(error: unknown): error is SupernodeError {
  return error instanceof SupernodeError;
}
