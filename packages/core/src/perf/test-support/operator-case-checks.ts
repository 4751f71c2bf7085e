/**
 * How the operator reference-case tests resolve chips and read a case: fixture chips where the tests
 * pin one, the relative error, and whether a case fitted a profile value or is held out of every fit.
 */
import { valuesSetFrom } from "../../catalog/calibration-ledger.ts";
import { builtinCatalog } from "../../catalog/catalog.ts";
import type { Chip } from "../../hardware/types.ts";
import { fixture910c, fixtureH100, fixtureH800 } from "./fixture-chips.ts";

const chips: Record<string, Chip> = {
  "ascend-910c": fixture910c,
  "h800-sxm": fixtureH800,
  "h100-sxm": fixtureH100,
};
/** Fixture chips where the tests pin one; any other chip of a record (B200 since 9ddef1f) from the catalog. */
export const resolveFixtureChip = (id: string): Chip => chips[id] ?? builtinCatalog().chip(id);
export const relError = (c: { predicted: number; published: number }) => c.predicted / c.published - 1;
/** A profile value names the record in `calibratedOn` (the record fitted it). */
export const fitted = (c: { id: string }) => valuesSetFrom(c.id).length > 0;
/** A prediction nothing was set from, and no duplicate of another record: held out of every fit. */
export const heldOut = (c: { id: string; role: string; duplicateOf?: string }) =>
  c.role === "prediction" && c.duplicateOf === undefined && !fitted(c);

/**
 * One-head flash-attention rows on an Ascend 910B2 whose marginal rate between them (128-row tiles
 * counted in waves on 24 cube cores), not their absolute figures, set the 910C prefill-attention
 * ceiling (reference-cases-attention.test.ts checks it; reference-cases.test.ts skips them one by one).
 */
export const WAVE_RATE_PAIR = ["torchnpu-fa-910b2-s16k", "torchnpu-fa-910b2-s32k"] as const;
