import { describe, expect, it } from "vitest";
import { isSupernodeError } from "../../spec/errors.ts";
import { SCHEDULER_POLICY_NAMES, schedulerSchema } from "../../spec/serving-schema.ts";
import { fcfs } from "./fcfs.ts";
import { SCHEDULER_POLICIES, schedulerPolicy } from "./index.ts";
import { priority } from "./priority.ts";

describe("scheduler policy registry", () => {
  it("registers exactly the names the scenario schema accepts, each with a description", () => {
    expect(Object.keys(SCHEDULER_POLICIES).sort()).toEqual([...SCHEDULER_POLICY_NAMES].sort());
    for (const name of SCHEDULER_POLICY_NAMES)
      expect(schedulerPolicy(name).description.length).toBeGreaterThan(20);
  });

  it("fcfs puts every priority value in one queue", () => {
    const levels = fcfs.levels([0, 3, 7]);
    expect(levels.count).toBe(1);
    expect([...levels.levelOf.entries()]).toEqual([
      [0, 0],
      [3, 0],
      [7, 0],
    ]);
  });

  it("priority gives each value its own queue, the lowest value first", () => {
    const levels = priority.levels([0, 3, 7]);
    expect(levels.count).toBe(3);
    expect([...levels.levelOf.entries()]).toEqual([
      [0, 0],
      [3, 1],
      [7, 2],
    ]);
    expect(priority.levels([5]).count).toBe(1);
  });

  it("an unknown name is a usage error listing the registered policies", () => {
    for (const name of ["lifo", "toString", "__proto__"]) {
      let caught: unknown;
      try {
        schedulerPolicy(name);
      } catch (e) {
        caught = e;
      }
      expect(isSupernodeError(caught) && caught.kind).toBe("usage");
      expect(String((caught as Error).message)).toBe(
        `unknown scheduler policy "${name}"; registered policies: fcfs, priority`,
      );
    }
  });

  it("the scenario schema refuses an unknown policy, naming the accepted ones", () => {
    const parsed = schedulerSchema.safeParse({ policy: "lifo" });
    expect(parsed.success).toBe(false);
    const message = parsed.error?.issues[0]?.message ?? "";
    for (const name of SCHEDULER_POLICY_NAMES) expect(message).toContain(name);
  });
});
