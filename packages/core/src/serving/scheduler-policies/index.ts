/**
 * The queueing policies a scenario can name (`serving.scheduler.policy`), one file each. A new
 * policy is a file here, an entry below and a name in spec/serving-schema.ts's
 * `SCHEDULER_POLICY_NAMES` (the spec layer sits below serving, so the names are kept there; the
 * registry's type, a record over those names, makes the compiler refuse a missing or extra entry).
 */

import type { SchedulerPolicy } from "../../spec/index.ts";
import { SupernodeError } from "../../spec/index.ts";
import { fcfs } from "./fcfs.ts";
import { priority } from "./priority.ts";
import type { SchedulerPolicyEntry } from "./queue-policy.ts";

export const SCHEDULER_POLICIES: Readonly<Record<SchedulerPolicy, SchedulerPolicyEntry>> = {
  fcfs,
  priority,
};

const registered = Object.keys(SCHEDULER_POLICIES);

/**
 * The registered policy of that name; an unknown name is a usage error listing the known ones.
 * @example schedulerPolicy("fcfs").levels([0, 1]).count // 1
 */
export function schedulerPolicy(name: string): SchedulerPolicyEntry {
  const entry = Object.hasOwn(SCHEDULER_POLICIES, name)
    ? SCHEDULER_POLICIES[name as SchedulerPolicy]
    : undefined;
  if (entry === undefined)
    throw new SupernodeError(
      "usage",
      `unknown scheduler policy "${name}"; registered policies: ${registered.join(", ")}`,
    );
  return entry;
}

export type { PriorityLevels, SchedulerPolicyEntry } from "./queue-policy.ts";
