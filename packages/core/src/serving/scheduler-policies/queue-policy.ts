/** One queueing policy of the batch scheduler (a file per policy, named in scheduler-policies/index.ts). */

/** The waiting-queue level of each priority value (0 is served first) and how many levels there are. */
export interface PriorityLevels {
  readonly levelOf: ReadonlyMap<number, number>;
  readonly count: number;
}

/** A queueing policy's entry in the registry. */
export interface SchedulerPolicyEntry {
  /** What it does, and which serving engines' schedulers it follows. */
  readonly description: string;
  /**
   * The waiting queues of an instance: each request waits at the level of its priority value;
   * the scheduler drains level 0 first, each level in arrival order.
   * @param priorities the workload's distinct priority values, ascending (lower is more urgent)
   */
  levels(priorities: readonly number[]): PriorityLevels;
}
