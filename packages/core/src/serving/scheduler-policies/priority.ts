/** Priority: one waiting queue per priority value, the most urgent (lowest value) drained first. */
import type { SchedulerPolicyEntry } from "./queue-policy.ts";

export const priority: SchedulerPolicyEntry = {
  description:
    "strict priority classes: the lowest priority value is served first, arrival order within a class (vLLM's --scheduling-policy priority)",
  levels: (priorities) => ({
    levelOf: new Map(priorities.map((v, i) => [v, i])),
    count: priorities.length,
  }),
};
