import type { CatalogSummary } from "../worker/jobs/catalog-job.ts";
import { lastValue, useJob } from "../worker/use-job.ts";

const REQUEST = { kind: "catalog" } as const;

/** The built-in systems and models (loaded once per view from a worker). */
export function useCatalog(): CatalogSummary | undefined {
  return lastValue(useJob(REQUEST));
}
