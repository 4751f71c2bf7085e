/**
 * An engine's efficiency overlays, read from every file under `efficiency/engines/<engine>/` (one
 * file per overlay family — decode attention, MoE on one architecture, … — each with its own
 * `sources:` and `backends:`; schema in `engine-overlay-file.ts`) and merged in path order: the
 * backend names the engine accepts are the union of the files' lists, per kind, and every overlay
 * remembers the file it came from (its source keys are that file's).
 */
import { embeddedDataFiles } from "../catalog/index.ts";
import { SupernodeError } from "../spec/index.ts";
import {
  BACKEND_KINDS,
  type BackendKind,
  type EngineOverlayEntry,
  type EngineOverlayFile,
  readEngineOverlayFile,
} from "./engine-overlay-file.ts";

/** An overlay with the file it was read from. */
export type FiledOverlay = EngineOverlayEntry & { readonly file: string };

export interface EngineOverlaySet {
  readonly engine: string;
  /** The engine's overlay files, in the order they are read. */
  readonly paths: readonly string[];
  /** Backend names the engine accepts, per kind (absent: no file lists that kind; any name goes). */
  readonly backends: Partial<Record<BackendKind, readonly string[]>>;
  readonly overlays: readonly FiledOverlay[];
  /** Each file's `sources:` block, by path. */
  readonly sources: ReadonlyMap<string, EngineOverlayFile["sources"]>;
}

/** The folder of an engine's overlay files. */
export function engineOverlayFolder(engine: string): string {
  return `efficiency/engines/${engine}/`;
}

const setCache = new Map<string, EngineOverlaySet | null>();

/**
 * The overlay set of an engine, or undefined when it has no overlay file.
 * @example engineOverlaySet("vllm")?.overlays.map((o) => o.id).includes("vllm-fa3-gqa-sm90") // true
 */
export function engineOverlaySet(
  engine: string,
  files: Readonly<Record<string, string>> = embeddedDataFiles,
): EngineOverlaySet | undefined {
  if (files !== embeddedDataFiles) return readSet(engine, files);
  let set = setCache.get(engine);
  if (set === undefined) {
    set = readSet(engine, files) ?? null;
    setCache.set(engine, set);
  }
  return set ?? undefined;
}

function readSet(engine: string, files: Readonly<Record<string, string>>): EngineOverlaySet | undefined {
  const folder = engineOverlayFolder(engine);
  const paths = Object.keys(files)
    .filter((p) => p.startsWith(folder) && /^[^/]+\.ya?ml$/.test(p.slice(folder.length)))
    .sort();
  if (paths.length === 0) return undefined;
  const backends: Partial<Record<BackendKind, string[]>> = {};
  const overlays: FiledOverlay[] = [];
  const sources = new Map<string, EngineOverlayFile["sources"]>();
  const idFile = new Map<string, string>();
  for (const path of paths) {
    const file = readEngineOverlayFile(path, files);
    if (file.engine !== engine)
      throw new SupernodeError(
        "schema",
        `engine "${file.engine}" in a file of the ${engine} overlay folder: expected engine: ${engine} (${folder}*.yaml holds ${engine}'s overlays)`,
        { file: path, fieldPath: ["engine"] },
      );
    sources.set(path, file.sources);
    for (const kind of BACKEND_KINDS)
      for (const name of file.backends[kind] ?? []) {
        const list = backends[kind] ?? [];
        backends[kind] = list;
        if (!list.includes(name)) list.push(name);
      }
    file.overlays.forEach((overlay, i) => {
      const other = idFile.get(overlay.id);
      if (other !== undefined)
        throw new SupernodeError(
          "schema",
          `overlay id "${overlay.id}" is used twice in ${engine}'s overlays (also in ${other})`,
          { file: path, fieldPath: ["overlays", i, "id"] },
        );
      idFile.set(overlay.id, path);
      overlays.push({ ...overlay, file: path });
    });
  }
  for (const overlay of overlays) {
    const otherwise = overlay.backend.perCall?.otherwise;
    if (otherwise !== undefined && !(backends.moe ?? []).includes(otherwise))
      throw new SupernodeError(
        "schema",
        `overlay "${overlay.id}": perCall.otherwise "${otherwise}" is not among ${engine}'s moe backends (${(backends.moe ?? []).join(", ")}); expected a backend some ${folder}*.yaml lists under backends.moe`,
        {
          file: overlay.file,
          fieldPath: [
            "overlays",
            overlays.filter((o) => o.file === overlay.file).indexOf(overlay),
            "backend",
            "perCall",
            "otherwise",
          ],
        },
      );
  }
  return { engine, paths, backends, overlays, sources };
}
