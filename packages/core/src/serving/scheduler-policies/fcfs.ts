/** FCFS: one waiting queue in arrival order, whatever the requests' priority classes. */
import type { SchedulerPolicyEntry } from "./queue-policy.ts";

export const fcfs: SchedulerPolicyEntry = {
  description:
    "first come, first served: one waiting queue in arrival order, priority classes ignored (vLLM's and SGLang's default)",
  levels: (priorities) => ({ levelOf: new Map(priorities.map((v) => [v, 0])), count: 1 }),
};
