import { builtinCatalog, builtinModelIds } from "@supernode/core";

export interface CatalogSummary {
  readonly systems: readonly { readonly id: string; readonly name: string; readonly vendor: string }[];
  readonly models: readonly string[];
}

/**
 * What the page's pickers offer: the built-in systems and models.
 * @example catalogJob().systems.map((s) => s.id) // ["cloudmatrix384", "gb200-nvl72", ...]
 */
export function catalogJob(): CatalogSummary {
  const systems = builtinCatalog()
    .systems()
    .map((s) => ({ id: s.id, name: s.name, vendor: s.vendor }));
  return { systems, models: [...builtinModelIds()] };
}
