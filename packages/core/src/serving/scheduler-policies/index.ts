/**
 * The queueing policies a scenario can name (`serving.scheduler.policy`), one file each. A new
 * policy is a file here, an entry below and a name in spec/serving-schema.ts's
 * `SCHEDULER_POLICY_NAMES` (the spec layer sits below serving, so the names are kept there and
 * this registry is checked to cover them exactly).
 */
import { SupernodeError } from "../../spec/errors.ts";
import { SCHEDULER_POLICY_NAMES, type SchedulerPolicy } from "../../spec/serving-schema.ts";
import { fcfs } from "./fcfs.ts";
import { priority } from "./priority.ts";
import type { SchedulerPolicyEntry } from "./queue-policy.ts";

export const SCHEDULER_POLICIES: Readonly<Record<SchedulerPolicy, SchedulerPolicyEntry>> = {
  fcfs,
  priority,
};

const registered = Object.keys(SCHEDULER_POLICIES);
if (
  registered.length !== SCHEDULER_POLICY_NAMES.length ||
  !SCHEDULER_POLICY_NAMES.every((name) => registered.includes(name))
)
  throw new Error(
    `scheduler policy registry (${registered.join(", ")}) does not match spec SCHEDULER_POLICY_NAMES (${SCHEDULER_POLICY_NAMES.join(", ")})`,
  );

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
