/**
 * `extends:` — a definition derived from another: the child's fields replace the parent's, nested
 * objects merge field by field, while a sourced value (`{value, ...}`), a list, or a scale-up fabric
 * of another `kind` is replaced whole. A child field set to `null` removes the parent's field.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isLeaf(value: Record<string, unknown>): boolean {
  return "value" in value;
}

/**
 * @example mergeDefinitions({ a: { x: 1, y: 2 } }, { a: { y: 3 } }) // { a: { x: 1, y: 3 } }
 */
export function mergeDefinitions(
  parent: Readonly<Record<string, unknown>>,
  child: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...parent };
  for (const [key, value] of Object.entries(child)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    const base = out[key];
    const replaceWhole =
      !isRecord(value) ||
      !isRecord(base) ||
      isLeaf(value) ||
      isLeaf(base) ||
      ("kind" in value && value.kind !== base.kind);
    out[key] = replaceWhole ? value : mergeDefinitions(base, value);
  }
  return out;
}
