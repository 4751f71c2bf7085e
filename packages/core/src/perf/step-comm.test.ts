import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { builtinModel } from "../model/index.ts";
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

  it("costs HCCL collectives at the AI-CPU expansion's fixed cost where the engine leaves CANN's A3 default", () => {
    const name = "vllm-ascend-atlas-a3-deepseek-v3.2-tp16-c1";
    const at = (...sets: string[]) => {
      const s = parseScenario(referenceScenarioText(name), `${name}.yaml`, undefined, {
        overrides: sets.map(parseOverride),
      });
      return stepComm(s, s.deployment.decode as NonNullable<typeof s.deployment.decode>);
    };
    const aicpu = at().collective("attention-comm", "attn.all_reduce", "all-reduce", 28672, 16);
    const aiv = at("engine.hcclExpansion=aiv").collective(
      "attention-comm",
      "attn.all_reduce",
      "all-reduce",
      28672,
      16,
    );
    // protocols.yaml: hccl-aicpu 50.7 us per call (vLLM-Ascend PR 1407), hccl 10 us (msmodeling)
    expect((aicpu.timeS - aiv.timeS) * 1e6).toBeCloseTo(40.7, 6);
    // MC2 dispatch is not an HCCL collective: unchanged
    expect(at().dispatch(16, 1, 8, 7680, 1).timeS).toBe(
      at("engine.hcclExpansion=aiv").dispatch(16, 1, 8, 7680, 1).timeS,
    );
  });

  it("keys the engine's one-shot all-reduce choice by the model's row width (equal bytes, other rows)", () => {
    const name = "trtllm-b200-deepseek-r1-fp4-throughput";
    const wide = parseScenario(referenceScenarioText(name), `${name}.yaml`);
    const narrow = { ...wide, model: builtinModel("qwen3-235b-a22b") }; // hidden 4,096
    const plan = wide.deployment.colocated as NonNullable<typeof wide.deployment.colocated>;
    // 128 rows of 7,168 (one-shot at TP4) are 224 rows of 4,096 (above its 128-token rule: NCCL)
    const bytes = 128 * 7168 * 2;
    const allReduce = (s: typeof wide) =>
      stepComm(s, plan).collective("attention-comm", "attn.all_reduce", "all-reduce", bytes, 4).timeS;
    const oneShot = allReduce(wide);
    expect(allReduce(narrow)).toBeGreaterThan(oneShot);
  });
});
