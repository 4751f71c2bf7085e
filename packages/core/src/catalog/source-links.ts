/**
 * Source keys in hardware files. A file's `sources:` map is local to it, so before definitions
 * from different files are merged (`extends`), every `source: key` is rewritten to a
 * catalog-wide key `<namespace>#<key>` and the reference stored in a registry. Values a user file
 * gives without a source are sourced to that file. After validation, sourced fields become
 * `Sourced<number>` in SI units with `toSourced`.
 */

import {
  didYouMean,
  type EvidenceTag,
  type Sourced,
  type SourcedNumberInput,
  type SourceRef,
  SupernodeError,
} from "../spec/index.ts";

export type SourceRegistry = Map<string, SourceRef>;

type Path = ReadonlyArray<string | number>;
type Locate = (path: Path) => { line: number; column: number } | undefined;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The registry key for a file's own, implicit source (values given without `source`). */
export function fileSourceKey(namespace: string): string {
  return `${namespace}#`;
}

/**
 * Registers a file's sources under `namespace` and returns a copy of `definition` whose `source`
 * keys are namespaced. Throws a `SupernodeError` at an unknown key.
 * @example linkSourceKeys({ tdpW: { value: 700, source: "nv" } }, "0:h100.yaml", { nv: ref }, registry, ...)
 */
export function linkSourceKeys(
  definition: Record<string, unknown>,
  namespace: string,
  sources: Readonly<Record<string, { title: string; url: string; section?: string | undefined }>>,
  registry: SourceRegistry,
  where: { fileName: string; prefix: Path; locate: Locate },
): Record<string, unknown> {
  for (const [key, ref] of Object.entries(sources)) {
    registry.set(`${namespace}#${key}`, {
      key,
      title: ref.title,
      url: ref.url,
      ...(ref.section === undefined ? {} : { section: ref.section }),
    });
  }
  registry.set(fileSourceKey(namespace), {
    key: where.fileName,
    title: `user file ${where.fileName}`,
    url: `file:${where.fileName}`,
  });
  const known = Object.keys(sources);
  const visit = (node: unknown, path: Path): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]));
    if (!isRecord(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "source" && (typeof value === "string" || Array.isArray(value))) {
        const keys = typeof value === "string" ? [value] : value;
        out[key] = keys.map((entry, i) => {
          if (typeof entry !== "string") return entry; // the schema reports it
          // "p2 §3.3.1": the key, then optionally the section of that source this value comes from.
          const [k = "", section] = splitSourceEntry(entry);
          if (!(k in sources)) {
            const at = typeof value === "string" ? [...path, key] : [...path, key, i];
            const pos = where.locate(at);
            throw new SupernodeError(
              "schema",
              `unknown source key "${k}": every source must be defined in the file's top-level sources: map. ${didYouMean(k, known)}`,
              {
                file: where.fileName,
                line: pos?.line,
                column: pos?.column,
                fieldPath: [...where.prefix, ...at],
              },
            );
          }
          return section === undefined ? `${namespace}#${k}` : `${namespace}#${k}\t${section}`;
        });
      } else out[key] = visit(value, [...path, key]);
    }
    return out;
  };
  return visit(definition, []) as Record<string, unknown>;
}

/**
 * Gives every sourced value (an object with a numeric `value`) that has no `source` the file's
 * own source. With `required` (built-in data) a value must cite a source unless it is tagged
 * `assumption` with a note explaining it.
 */
export function fillMissingSources<T>(
  validated: T,
  namespace: string,
  required: boolean,
  fileName: string,
): T {
  const visit = (node: unknown, path: Path): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]));
    if (!isRecord(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = visit(value, [...path, key]);
    if (typeof out.value === "number" && out.source === undefined) {
      if (!required) out.source = [fileSourceKey(namespace)];
      else if (out.tag !== "assumption" || typeof out.note !== "string")
        throw new SupernodeError(
          "schema",
          "built-in data must give every value a source (or tag it assumption, with a note saying why)",
          { file: fileName, fieldPath: path },
        );
    }
    return out;
  };
  return visit(validated, []) as T;
}

/** `"p2 §3.3.1"` → `["p2", "§3.3.1"]`; `"p2"` → `["p2", undefined]`. */
function splitSourceEntry(entry: string): [string, string | undefined] {
  const match = /^(\S+)\s+(\S.*)$/.exec(entry.trim());
  return match ? [match[1] ?? "", match[2]] : [entry.trim(), undefined];
}

/** Section precedence: the one given with the key, then the field's `section`, then the sources map's. */
function refs(keys: unknown, section: string | undefined, registry: SourceRegistry): SourceRef[] {
  const list = Array.isArray(keys) ? keys : typeof keys === "string" ? [keys] : [];
  const out: SourceRef[] = [];
  for (const entry of list) {
    if (typeof entry !== "string") continue;
    const [key = "", keySection] = entry.split("\t");
    const ref = registry.get(key);
    if (ref === undefined) continue;
    const chosen = keySection ?? section;
    out.push(chosen === undefined ? ref : { ...ref, section: chosen });
  }
  return out;
}

/**
 * A validated sourced field in SI units: `value × factor` (e.g. 1e9 for GB → bytes).
 * Values sourced only to a user file default to the tag `assumption`, others to `spec`.
 * @example toSourced({ value: 392, source: ["0:a.yaml#p2"] }, registry, 1e9).value === 392e9
 */
export function toSourced(field: SourcedNumberInput, registry: SourceRegistry, factor = 1): Sourced<number> {
  // Divide by 1e9 rather than multiply by 1e-9, so 300 ns is exactly 3e-7 s.
  const scale = (x: number) => (factor < 1 ? x / Math.round(1 / factor) : x * factor);
  const sources = refs(field.source, field.section, registry);
  const userOnly = sources.length > 0 && sources.every((s) => s.url.startsWith("file:"));
  const tag: EvidenceTag = field.tag ?? (userOnly ? "assumption" : "spec");
  const alternatives = (field.alternatives ?? []).map((alt) => ({
    value: scale(alt.value),
    sources: refs(alt.source, alt.section, registry),
    ...(alt.note === undefined ? {} : { note: alt.note }),
  }));
  return {
    value: scale(field.value),
    sources,
    tag,
    ...(field.note === undefined ? {} : { note: field.note }),
    ...(alternatives.length > 0 ? { alternatives } : {}),
  };
}

/** `toSourced` for an optional field. */
export function toSourcedOptional(
  field: SourcedNumberInput | undefined,
  registry: SourceRegistry,
  factor = 1,
): Sourced<number> | undefined {
  return field === undefined ? undefined : toSourced(field, registry, factor);
}
