import { useEffect, useState } from "react";
import { startJob } from "../worker/client.ts";
import type { CatalogSummary } from "../worker/jobs/catalog-job.ts";

/** One catalog per page: it is the same for every view, and loads once. */
let loaded: Promise<CatalogSummary> | undefined;

function loadCatalog(): Promise<CatalogSummary> {
  loaded ??= startJob({ kind: "catalog" }).promise.catch((error: unknown) => {
    loaded = undefined; // a failed load is tried again by the next view that asks
    throw error;
  });
  return loaded;
}

let known: CatalogSummary | undefined;

/**
 * The built-in systems and models, for the pickers (undefined until loaded). The job starts one
 * task after the view's first effects, so the view's own job (the first numbers) takes the worker
 * that loaded core during the page's start-up, and the catalog the next one.
 */
export function useCatalog(): CatalogSummary | undefined {
  const [catalog, setCatalog] = useState(known);
  useEffect(() => {
    if (known !== undefined) return;
    let live = true;
    const timer = setTimeout(() => {
      loadCatalog().then(
        (value) => {
          known = value;
          if (live) setCatalog(value);
        },
        () => {}, // the pickers keep their fallbacks; the view's own job reports errors
      );
    }, 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);
  return catalog;
}
