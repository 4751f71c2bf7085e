import { describe, expect, it } from "vitest";
import { engineProfile } from "../deploy/engine-profile.ts";
import { builtinModel, layerOperators } from "../model/index.ts";
import { stepContext } from "./step-model.ts";
import { microbatchWork } from "./step-work.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const chip = (id: string, extendsId?: string) => ({
  id,
  vendor: "NVIDIA",
  origin: extendsId === undefined ? {} : { extends: extendsId },
});

describe("SGLang's fused shared expert (engine-file fusedSharedExpert)", () => {
  const sglang = engineProfile({ name: "sglang" });
  const r1 = builtinModel("deepseek-r1");

  it("fuses DeepSeek-V3/R1's shared expert on Hopper without expert parallelism only", () => {
    expect(sglang.fusesSharedExpert({ chip: chip("h200-sxm"), model: r1, ep: 1 })).toBe(true);
    expect(sglang.fusesSharedExpert({ chip: chip("my-h100", "h100-sxm"), model: r1, ep: 1 })).toBe(true);
    // expert parallelism, Blackwell (auto MoE runner flashinfer_trtllm), other engines
    expect(sglang.fusesSharedExpert({ chip: chip("h200-sxm"), model: r1, ep: 8 })).toBe(false);
    expect(sglang.fusesSharedExpert({ chip: chip("b200"), model: r1, ep: 1 })).toBe(false);
    expect(sglang.fusesSharedExpert({ chip: chip("my-gb200", "gb200"), model: r1, ep: 1 })).toBe(false);
    expect(
      engineProfile({ name: "trtllm" }).fusesSharedExpert({ chip: chip("h200-sxm"), model: r1, ep: 1 }),
    ).toBe(false);
    // the runner that turns it off, and the family's other members (sparse attention, 384 experts)
    expect(
      engineProfile({ name: "sglang", moeBackend: "flashinfer_trtllm" }).fusesSharedExpert({
        chip: chip("h200-sxm"),
        model: r1,
        ep: 1,
      }),
    ).toBe(false);
    for (const other of ["deepseek-v3.2-exp", "kimi-k2"])
      expect(sglang.fusesSharedExpert({ chip: chip("h200-sxm"), model: builtinModel(other), ep: 1 })).toBe(
        false,
      );
  });

  it("runs the shared expert as one more expert of the routed GEMMs: same work, no kernels of its own", () => {
    const s = referenceScenario("sglang-h200-deepseek-r1-fp8-tp8-1k8k", "deployment.decode.batchPerChip=0.5");
    const ctx = stepContext(s, must(s.deployment.decode));
    const work = microbatchWork(ctx, { phase: "decode", sequences: 4, kvTokens: 4 * 4608 });
    const options = must(work.rankKinds[0]).options;
    expect(options.sharedExpertFused).toBe(true);
    const workload = work.groupWorkload;
    const fused = layerOperators(r1, 10, workload, options);
    const apart = layerOperators(r1, 10, workload, { ...options, sharedExpertFused: false });
    const named = (ops: typeof fused, name: string) => must(ops.find((o) => o.name === name));
    expect(fused.some((o) => o.name.startsWith("moe.shared."))).toBe(false);
    const shared = apart.filter((o) => o.name.startsWith("moe.shared.") && o.class === "gemm");
    expect(shared.length).toBe(2);
    const sum = (ops: typeof fused, f: (o: (typeof fused)[number]) => number) =>
      ops.reduce((a, o) => a + f(o), 0);
    const grouped = ["moe.experts.gate_up_proj", "moe.experts.down_proj"];
    // The fused GEMMs carry the shared expert's FLOPs and weights exactly, in the same two launches.
    for (const f of [
      (o: (typeof fused)[number]) => o.flops,
      (o: (typeof fused)[number]) => o.bytesRead.weights,
    ])
      expect(
        sum(
          grouped.map((n) => named(fused, n)),
          f,
        ),
      ).toBeCloseTo(
        sum(
          grouped.map((n) => named(apart, n)),
          f,
        ) + sum(shared, f),
        0,
      );
    expect(sum(fused, (o) => o.kernels)).toBeLessThan(sum(apart, (o) => o.kernels));
    // The routed tiles keep their size: the shared expert's rows are not averaged into every group.
    expect(named(fused, "moe.experts.down_proj").shape).toEqual(named(apart, "moe.experts.down_proj").shape);
  });
});
