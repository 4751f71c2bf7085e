/**
 * A step's time per bound, its kernel launches, the busy time of its memory- and overhead-bound
 * items and the profile parameters its items defaulted (step-model.ts), summed over its layers'
 * items and the once-per-step items.
 */
import type { LayerStep, StepActivity, StepBound, StepBreakdown } from "./step-model.ts";
import type { StepItem } from "./step-operators.ts";

/**
 * Time per bound over the step's items (layers × count × microbatches, then the once-per-step
 * items), its kernel launches, the defaulted parameters and the dominant bound; `overheadS` (graph
 * launches, idle time) counts as overhead.
 */
export function stepBounds(
  layers: readonly LayerStep[],
  oncePerStep: readonly (readonly StepItem[])[],
  overheadS: number,
  defaultedOverheads: readonly string[],
): Pick<StepBreakdown, "timeByBound" | "kernelLaunchS" | "defaulted" | "bound"> & { activity: StepActivity } {
  sums.fill(0);
  sums[OVERHEAD] = overheadS;
  // Items share their defaulted lists (one per profile values, operator-time.ts): each list once.
  const lists = new Set<readonly string[]>();
  for (const l of layers) account(l.timing.items, l.count * l.timing.microbatches, lists);
  for (const items of oncePerStep) account(items, 1, lists);
  const defaulted = new Set<string>(defaultedOverheads);
  for (const list of lists) for (const d of list) defaulted.add(d);
  const timeByBound: Record<StepBound, number> = {
    compute: sums[COMPUTE] as number,
    memory: sums[MEMORY] as number,
    fabric: sums[FABRIC] as number,
    overhead: sums[OVERHEAD] as number,
  };
  const activityOf = (at: number) => ({
    timeS: sums[at] as number,
    computeS: sums[at + 1] as number,
    memoryS: sums[at + 2] as number,
  });
  const activity = { memory: activityOf(MEMORY_ACTIVITY), overhead: activityOf(OVERHEAD_ACTIVITY) };
  const kernelLaunchS = sums[KERNEL_LAUNCH] as number;
  let bound: StepBound = "compute";
  for (const b of ["memory", "fabric", "overhead"] as const)
    if (timeByBound[b] > timeByBound[bound]) bound = b;
  return { timeByBound, activity, kernelLaunchS, defaulted: [...defaulted].sort(), bound };
}

/**
 * `stepBounds`' running sums, by slot: time per bound (compute, memory, fabric, overhead), the
 * memory- and the overhead-bound items' time, core time and memory time, and the kernel launches.
 * Summed in a typed array, in the items' order: a number kept in an object's property or a
 * closure's variable is a heap object of its own, allocated anew by each addition.
 */
const sums = new Float64Array(11);
const COMPUTE = 0;
const MEMORY = 1;
const FABRIC = 2;
const OVERHEAD = 3;
const MEMORY_ACTIVITY = 4;
const OVERHEAD_ACTIVITY = 7;
const KERNEL_LAUNCH = 10;

/** Adds `times` × each item to `sums`, and its defaulted list to `lists`. */
function account(items: readonly StepItem[], times: number, lists: Set<readonly string[]>): void {
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as StepItem;
    const bound = item.bound;
    const t = item.timeS * times;
    if (bound === "compute") add(COMPUTE, t);
    else if (bound === "fabric") add(FABRIC, t);
    else {
      const at = bound === "memory" ? MEMORY_ACTIVITY : OVERHEAD_ACTIVITY;
      add(bound === "memory" ? MEMORY : OVERHEAD, t);
      add(at, t);
      add(at + 1, (item.tensorS ?? item.computeS) * times);
      add(at + 2, item.memoryS * times);
    }
    add(KERNEL_LAUNCH, item.overheadS * times);
    if (item.defaulted.length > 0) lists.add(item.defaulted);
  }
}

function add(slot: number, x: number): void {
  sums[slot] = (sums[slot] as number) + x;
}
