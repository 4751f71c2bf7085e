/**
 * Reads one efficiency data file (`packages/core/data/efficiency/<chip>.yaml`) against its schema
 * (`efficiency-file.ts`) and checks that every value cites a key of the file's `sources:` block; the
 * class check is shared with the engine overlay files.
 */
import { OPERATOR_CLASSES } from "../model/index.ts";
import { readSourceDocument, type SourceDocument, SupernodeError, validateDocument } from "../spec/index.ts";
import {
  type ClassEfficiencyFile,
  type EfficiencyFile,
  efficiencyFileSchema,
  type SourcedValueFile,
} from "./efficiency-file.ts";

/**
 * Reads and validates one efficiency file, checking that every `source` key exists.
 * @example readEfficiencyFile("efficiency/default.yaml", embeddedDataFiles).chip === "default"
 */
export function readEfficiencyFile(path: string, files: Readonly<Record<string, string>>): EfficiencyFile {
  const text = files[path];
  if (text === undefined)
    throw new SupernodeError("unknown-id", `no efficiency data file ${path} in the catalog`, { file: path });
  const doc = readSourceDocument(text, path);
  const file = validateDocument(doc, efficiencyFileSchema);
  checkSourceKeys(doc, file);
  return file;
}

function checkSourceKeys(doc: SourceDocument, file: EfficiencyFile): void {
  for (const cls of OPERATOR_CLASSES) {
    const entry = file.classes[cls];
    if (entry !== undefined) checkClassSourceKeys(doc, file.sources, entry, ["classes", cls]);
  }
}

/**
 * Checks that every value of one class entry (at `path` in `doc`) cites keys of `sources`; shared
 * with the engine overlay files, whose classes have the same fields.
 */
export function checkClassSourceKeys(
  doc: SourceDocument,
  sources: Readonly<Record<string, unknown>>,
  entry: ClassEfficiencyFile,
  path: ReadonlyArray<string | number>,
): void {
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    if (key === "computeEfficiency" || key === "kOverheadElementsByDtype" || key === "kSerialNsByScheme") {
      for (const [dtype, v] of Object.entries(value as Record<string, SourcedValueFile | undefined>))
        if (v !== undefined) checkSourceKey(doc, sources, v.source, [...path, key, dtype, "source"]);
    } else checkSourceKey(doc, sources, (value as SourcedValueFile).source, [...path, key, "source"]);
  }
}

/** Refuses a `source` (one key or several) naming a key `sources` lacks, pointing at `path`. */
export function checkSourceKey(
  doc: SourceDocument,
  sources: Readonly<Record<string, unknown>>,
  source: string | readonly string[],
  path: Array<string | number>,
): void {
  for (const key of typeof source === "string" ? [source] : source) {
    if (sources[key] !== undefined) continue;
    const pos = doc.locate(path);
    throw new SupernodeError(
      "schema",
      `unknown source "${key}": expected one of the keys of the sources block (${Object.keys(sources).join(", ")})`,
      { file: doc.fileName, line: pos?.line, column: pos?.column, fieldPath: path },
    );
  }
}

/** Throws a schema error at `path` of `doc`, with its file, line and column. */
export function failAt(doc: SourceDocument, path: Array<string | number>, message: string): never {
  const pos = doc.locate(path);
  throw new SupernodeError("schema", message, {
    file: doc.fileName,
    line: pos?.line,
    column: pos?.column,
    fieldPath: path,
  });
}
