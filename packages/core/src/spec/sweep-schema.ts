/**
 * A sweep plan (`supernode sweep plan.yaml`): one base scenario file, the command every point runs
 * (`estimate`, `simulate` with a request count, `train` for a training scenario, or `search` with
 * its SLOs), and the points — the cross product of a `grid`
 * (each `--set` path with its values), a `list` of override sets, and `seeds`. Fixed overrides in
 * `set` apply to every point. Keys are the dotted `--set` paths of docs/scenario.md.
 *
 * @example
 * scenario: ../examples/cloudmatrix384-deepseek-r1-decode.yaml
 * command: estimate
 * grid:
 *   deployment.decode.batchPerChip: [16, 32, 64, 96]
 *   deployment.decode.kvLength: [1024, 4096]
 */
import { z } from "zod";

const overrideValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.record(z.string(), z.unknown()),
]);
const overrideSet = z.record(z.string().min(1), overrideValue);

export const SWEEP_COMMANDS = ["estimate", "simulate", "train", "search"] as const;
export type SweepCommand = (typeof SWEEP_COMMANDS)[number];

/** Points a plan may expand to (a plan of more is almost surely a typo in a grid). */
export const MAX_SWEEP_POINTS = 10_000_000;

export const sweepPlanSchema = z.strictObject({
  /** Base scenario file, relative to the plan file. */
  scenario: z.string().min(1),
  command: z.enum(SWEEP_COMMANDS).default("estimate"),
  /** Overrides applied to every point (before the point's own). */
  set: overrideSet.default({}),
  /** Each key a `--set` path, each value the list of values it takes; points are the cross product. */
  grid: z.record(z.string().min(1), z.array(overrideValue).min(1)).default({}),
  /** Explicit override sets, each crossed with the grid. */
  list: z.array(overrideSet).min(1).optional(),
  /** `simulate` only: the seeds each point runs with (crossed with the rest). */
  seeds: z.array(z.number().int().nonnegative()).min(1).optional(),
  /** `simulate` only: requests per run (default: the scenario's workload). */
  requests: z.number().int().positive().optional(),
  /** `search` only: the SLOs and, optionally, the lists that narrow the space (as `supernode search`). */
  search: z
    .strictObject({
      tpotMs: z.number().positive().default(50),
      ttftMs: z.number().positive().optional(),
      chips: z.array(z.number().int().positive()).min(1).optional(),
      batches: z.array(z.number().int().positive()).min(1).optional(),
      attentionTp: z.array(z.number().int().positive()).min(1).optional(),
    })
    .optional(),
});
export type SweepPlanDocument = z.output<typeof sweepPlanSchema>;
