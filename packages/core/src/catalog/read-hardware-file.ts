/**
 * Reads one hardware file (built-in or the user's) into its pending definitions: the envelope is
 * validated, source keys namespaced; each definition is validated in full later, once `extends`
 * has been applied (see catalog-layer.ts).
 */
import { hardwareFileSchema, readSourceDocument, validateDocument } from "../spec/index.ts";
import { linkSourceKeys, type SourceRegistry } from "./source-links.ts";

export type DefinitionKind = "chip" | "system" | "fabric";

type Path = ReadonlyArray<string | number>;

export interface PendingDefinition {
  readonly kind: DefinitionKind;
  readonly id: string;
  readonly extends?: string;
  /** The definition as written, with namespaced source keys. */
  readonly raw: Readonly<Record<string, unknown>>;
  readonly fileName: string;
  readonly namespace: string;
  /** Path of the definition in its file, e.g. ["chips", 0]. */
  readonly prefix: Path;
  /** Line/column of a field of this definition (path relative to the definition). */
  locate(path: Path): { line: number; column: number } | undefined;
}

const LISTS: ReadonlyArray<{ single: "chip" | "system" | "fabric"; list: "chips" | "systems" | "fabrics" }> =
  [
    { single: "chip", list: "chips" },
    { single: "system", list: "systems" },
    { single: "fabric", list: "fabrics" },
  ];

/**
 * @example readHardwareFile(text, "my-systems.yaml", "1:my-systems.yaml", registry)
 */
export function readHardwareFile(
  text: string,
  fileName: string,
  namespace: string,
  registry: SourceRegistry,
): PendingDefinition[] {
  const doc = readSourceDocument(text, fileName);
  const file = validateDocument(doc, hardwareFileSchema);
  const out: PendingDefinition[] = [];
  const add = (kind: DefinitionKind, raw: Record<string, unknown>, prefix: Path) => {
    const locate = (path: Path) => doc.locate([...prefix, ...path]);
    const linked = linkSourceKeys(raw, namespace, file.sources, registry, { fileName, prefix, locate });
    const parent = typeof raw.extends === "string" ? raw.extends : undefined;
    out.push({
      kind,
      id: String(raw.id),
      ...(parent === undefined ? {} : { extends: parent }),
      raw: linked,
      fileName,
      namespace,
      prefix,
      locate,
    });
  };
  for (const { single, list } of LISTS) {
    const one = file[single];
    if (one !== undefined) add(single, one, [single]);
    file[list]?.forEach((raw, i) => {
      add(single, raw, [list, i]);
    });
  }
  return out;
}
