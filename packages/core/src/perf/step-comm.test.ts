import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { referenceScenarioText } from "../report/validate-end-to-end.ts";
import { parseOverride } from "../spec/scenario-overrides.ts";
import { stepComm } from "./step-comm.ts";

const NAME = "cloudmatrix384-deepseek-r1-decode";
const parse = (...sets: string[]) =>
  parseScenario(referenceScenarioText(NAME), `${NAME}.yaml`, undefined, {
    overrides: sets.map(parseOverride),
  });

describe("stepComm", () => {
  it("shares a request's item across groups on one system and keeps the MoE transport in the key", () => {
    const a = parse();
    const b = parse("deployment.decode.batchPerChip=64");
    const c = parse("deployment.decode.moe.transport=scale-out");
    expect(b.system).toBe(a.system);
    const comm = (s: typeof a) => stepComm(s, s.deployment.decode as NonNullable<typeof s.deployment.decode>);
    const first = comm(a).dispatch(320, 48, 8, 7168, 1.1);
    expect(comm(b).dispatch(320, 48, 8, 7168, 1.1)).toBe(first);
    const scaleOut = comm(c).dispatch(320, 48, 8, 7168, 1.1);
    expect(scaleOut).not.toBe(first);
    expect(scaleOut.timeS).toBeGreaterThan(first.timeS); // over the scale-out NICs, not the UB plane
    expect(comm(a).collective("attention-comm", "attn.all_reduce", "all-reduce", 1e6, 8)).toBe(
      comm(b).collective("attention-comm", "attn.all_reduce", "all-reduce", 1e6, 8),
    );
  });
});
