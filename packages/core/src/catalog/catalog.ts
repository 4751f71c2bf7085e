/**
 * The hardware catalog: the built-in chips, systems and cluster fabrics (packages/core/data,
 * embedded at build time), optionally extended with the user's hardware files.
 *
 * @example
 * const catalog = builtinCatalog();
 * catalog.system("cloudmatrix384").nodes.value; // 48
 * const mine = extendCatalog(catalog, yamlText, "half-ub.yaml");
 */
import type { Chip, Cluster, ClusterFabric, System } from "../hardware/index.ts";
import { didYouMean, SupernodeError } from "../spec/index.ts";
import { CatalogLayer } from "./catalog-layer.ts";
import { embeddedDataFiles } from "./embedded-data.generated.ts";
import { type PendingDefinition, readHardwareFile } from "./read-hardware-file.ts";
import type { SourceRegistry } from "./source-links.ts";

export interface Catalog {
  /** Throws `SupernodeError("unknown-id")` naming the nearest ids if absent. */
  chip(id: string): Chip;
  system(id: string): System;
  /** `fabric` is a cluster-fabric id (`data/clusters`); default: the system's `scaleOut.defaultFabric`. */
  cluster(spec: { system: string; count: number; fabric?: string }): Cluster;
  chips(): readonly Chip[];
  systems(): readonly System[];
  fabric(id: string): ClusterFabric;
  fabrics(): readonly ClusterFabric[];
}

/** Built-in data directories holding hardware files. */
const HARDWARE_DIRS = ["chips/", "systems/", "clusters/"];

const layers = new WeakMap<Catalog, CatalogLayer>();
let nextNamespace = 0;

function byId<T extends { readonly id?: string }>(a: T, b: T): number {
  const x = a.id ?? "";
  const y = b.id ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

function catalogOf(layer: CatalogLayer): Catalog {
  const unknown = (what: "chip" | "system" | "fabric", id: string): never => {
    throw new SupernodeError("unknown-id", `unknown ${what} "${id}". ${didYouMean(id, layer.ids(what))}`);
  };
  const catalog: Catalog = {
    chip: (id) => layer.chip(id) ?? unknown("chip", id),
    system: (id) => layer.system(id) ?? unknown("system", id),
    fabric: (id) => layer.fabric(id) ?? unknown("fabric", id),
    cluster({ system: systemId, count, fabric }) {
      const system = catalog.system(systemId);
      if (!Number.isSafeInteger(count) || count < 1)
        throw new SupernodeError(
          "invalid-value",
          `a cluster needs a whole number ≥ 1 of ${systemId} systems, got ${count}`,
        );
      const fabricId = fabric ?? system.scaleOut.defaultFabric;
      if (fabricId === undefined)
        throw new SupernodeError(
          "usage",
          `system ${systemId} names no default cluster fabric; choose one of: ${layer.ids("fabric").join(", ")}`,
        );
      return { id: `${systemId}x${count}`, system, systems: count, fabric: catalog.fabric(fabricId) };
    },
    chips: () =>
      layer
        .ids("chip")
        .map((id) => catalog.chip(id))
        .sort(byId),
    systems: () =>
      layer
        .ids("system")
        .map((id) => catalog.system(id))
        .sort(byId),
    fabrics: () =>
      layer
        .ids("fabric")
        .map((id) => catalog.fabric(id))
        .sort(byId),
  };
  layers.set(catalog, layer);
  return catalog;
}

/**
 * A catalog from hardware files given as `{ fileName: text }` (no base). Used for the built-in
 * data; every value must cite a source.
 */
export function catalogFromFiles(
  files: Readonly<Record<string, string>>,
  options: { builtin: boolean },
): Catalog {
  const registry: SourceRegistry = new Map();
  const definitions: PendingDefinition[] = [];
  for (const [fileName, text] of Object.entries(files)) {
    const namespace = `${nextNamespace++}:${fileName}`;
    definitions.push(...readHardwareFile(text, fileName, namespace, registry));
  }
  return catalogOf(new CatalogLayer(undefined, definitions, registry, options.builtin));
}

let builtin: Catalog | undefined;

/** The built-in catalog (memoised). */
export function builtinCatalog(): Catalog {
  if (builtin === undefined) {
    const files: Record<string, string> = {};
    for (const [path, text] of Object.entries(embeddedDataFiles))
      if (HARDWARE_DIRS.some((dir) => path.startsWith(dir))) files[path] = text;
    builtin = catalogFromFiles(files, { builtin: true });
  }
  return builtin;
}

/**
 * The base catalog plus the chips, systems and fabrics of one user file (YAML or JSON, the same
 * schema as the built-in files; `extends:` derives from any id already in `base`). Throws a
 * `SupernodeError` naming file:line:col and the field for any problem.
 * @example extendCatalog(builtinCatalog(), "systems:\n  - id: cm384-half-ub\n    extends: cloudmatrix384\n    scaleUp: {linkGBps: 14}\n", "half.yaml")
 */
export function extendCatalog(base: Catalog, text: string, fileName: string): Catalog {
  const baseLayer = layers.get(base);
  if (baseLayer === undefined)
    throw new SupernodeError(
      "usage",
      "extendCatalog needs a catalog made by builtinCatalog() or extendCatalog()",
    );
  const registry: SourceRegistry = new Map(baseLayer.registry);
  const definitions = readHardwareFile(text, fileName, `${nextNamespace++}:${fileName}`, registry);
  return catalogOf(new CatalogLayer(baseLayer, definitions, registry, false));
}
