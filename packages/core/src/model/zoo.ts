/**
 * The built-in model zoo: real Hugging Face `config.json` files under `packages/core/data/models`,
 * each with a `_supernode` block (id, name, aliases, source, published totals). They go through
 * the same parser as user files.
 */
import { builtinDataText, embeddedDataFiles } from "../catalog/index.ts";
import { nearestNames, SupernodeError } from "../spec/index.ts";
import { parseHfConfig, readSupernodeMeta } from "./hf-config.ts";
import type { ModelArchitecture } from "./types.ts";

interface ZooEntry {
  readonly file: string;
  /** Set for aliases: the id, name and config URL that replace the file's. */
  readonly alias?: { readonly id: string; readonly name: string; readonly config: string };
}

let index: ReadonlyMap<string, ZooEntry> | undefined;
const cache = new Map<string, ModelArchitecture>();

function zooIndex(): ReadonlyMap<string, ZooEntry> {
  if (index !== undefined) return index;
  const map = new Map<string, ZooEntry>();
  for (const [path, text] of Object.entries(embeddedDataFiles)) {
    if (!path.startsWith("models/")) continue;
    const file = `packages/core/data/${path}`;
    const meta = readSupernodeMeta(text, file);
    if (meta === undefined) continue;
    map.set(meta.id, { file: path });
    for (const alias of meta.aliases) map.set(alias.id, { file: path, alias });
  }
  index = map;
  return map;
}

/**
 * Ids of the built-in models (aliases included), sorted.
 * @example builtinModelIds().includes("deepseek-r1") // true
 */
export function builtinModelIds(): readonly string[] {
  return [...zooIndex().keys()].sort();
}

/**
 * A built-in model by id (case-insensitive). Unknown ids throw `unknown-id` with the nearest names.
 * @example builtinModel("deepseek-v3").moe?.numRoutedExperts // 256
 */
export function builtinModel(id: string): ModelArchitecture {
  const key = id.trim().toLowerCase();
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const entry = zooIndex().get(key);
  if (entry === undefined) {
    const near = nearestNames(key, builtinModelIds());
    throw new SupernodeError(
      "unknown-id",
      `unknown model "${id}".${near.length > 0 ? ` Did you mean ${near.join(", ")}?` : ""} Built-in models: ${builtinModelIds().join(", ")}; or pass a path to a Hugging Face config.json.`,
    );
  }
  const text = builtinDataText(entry.file);
  const parsed = parseHfConfig(text, `packages/core/data/${entry.file}`);
  const arch: ModelArchitecture =
    entry.alias === undefined
      ? parsed
      : { ...parsed, id: entry.alias.id, name: entry.alias.name, source: entry.alias.config };
  cache.set(key, arch);
  return arch;
}
