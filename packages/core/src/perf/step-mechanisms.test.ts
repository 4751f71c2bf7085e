import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/catalog.ts";
import type { Scenario } from "../deploy/scenario.ts";
import { estimate } from "./step-estimate.ts";
import { stepContext } from "./step-model.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const CM_PREFILL = "cloudmatrix384-deepseek-r1-prefill";

describe("CloudMatrix384 prefill pipeline (arXiv:2506.12708v2 §4.3.2, Fig. 18b)", () => {
  const p = must(estimate(referenceScenario(CM_PREFILL)).prefill);
  const moe = must(p.step.layers.find((l) => l.kind === "moe"));

  it("moves dispatch/combine to the SDMA stream and keeps the MLA SP/TP collectives inside ATTN", () => {
    const streams = must(moe.timing.streams);
    expect(streams.map((s) => s.name)).toEqual(["compute", "transfer"]);
    expect(streams[1]?.groups).toEqual(["dispatch", "combine"]);
    const spItems = moe.timing.items.filter((i) => i.group === "attention-comm");
    expect(spItems.map((i) => i.name).sort()).toEqual(["attn.sp_all_gather", "attn.sp_all_to_all"]);
    const serial = spItems.reduce((a, i) => a + i.timeS, 0);
    expect(moe.timing.serialS).toBeCloseTo(serial, 12);
    const longest = Math.max(...streams.map((s) => s.timeS));
    expect(moe.timing.layerS).toBeCloseTo(2 * longest + 2 * serial, 12);
  });

  it("the microbatch pipeline gains about what the paper's ablation measured (23–31 %, Fig. 21a)", () => {
    // A consistency check of the mechanism against an ablation, not a fit: the pipeline was not tuned.
    for (const prompt of [1024, 2048, 4096]) {
      const on = must(
        estimate(referenceScenario(CM_PREFILL, `deployment.prefill.promptLength=${prompt}`)).prefill,
      );
      const off = must(
        estimate(
          referenceScenario(
            CM_PREFILL,
            `deployment.prefill.promptLength=${prompt}`,
            "deployment.prefill.microbatchOverlap=false",
          ),
        ).prefill,
      );
      const gain = on.tokensPerSPerChip / off.tokensPerSPerChip;
      expect(gain, `${prompt}-token prompts`).toBeGreaterThan(1.15);
      expect(gain, `${prompt}-token prompts`).toBeLessThan(1.45);
    }
  });

  it("throughput falls as prompts grow (attention per token grows with the prompt, §5.4.1)", () => {
    const at = (prompt: number) =>
      must(estimate(referenceScenario(CM_PREFILL, `deployment.prefill.promptLength=${prompt}`)).prefill)
        .tokensPerSPerChip;
    expect(at(1024)).toBeGreaterThan(at(2048));
    expect(at(2048)).toBeGreaterThan(at(4096));
  });
});

describe("efficiency profile of a derived chip", () => {
  it("a SKU that extends the 910C uses the 910C microbenchmarks, not the default profile", () => {
    const base = referenceScenario(CM_PREFILL);
    const sku = builtinCatalog().chip("ascend-910c-752");
    expect(sku.origin.extends).toBe("ascend-910c");
    const accelerator = { ...base.system.node.accelerator, chip: sku };
    const derived: Scenario = {
      ...base,
      system: { ...base.system, node: { ...base.system.node, accelerator } },
    };
    const ctx = stepContext(derived, must(derived.deployment.prefill));
    expect(ctx.profile.chipId).toBe("ascend-910c-752");
    expect(ctx.profile.basis).toBe("inherited");
    expect(ctx.profile.description).toMatch(/extends ascend-910c/);
    const own = stepContext(base, must(base.deployment.prefill));
    expect(ctx.profile.classes["grouped-gemm"]).toEqual(own.profile.classes["grouped-gemm"]);
  });
});

describe("MoE kernels per phase (SGLang DeepEP auto mode: normal for prefill, low-latency for decode)", () => {
  const s = referenceScenario("sglang-h100-deepseek-v3-prefill");
  const plan = must(s.deployment.prefill);

  it("prefill dispatch sends one RDMA copy per remote node: cheaper than top-k copies at the same size", () => {
    const prefill = stepContext(s, plan).comm.dispatch(32, 8192, 8, 7392, 1);
    const asDecode = stepContext(s, { ...plan, role: "decode" }).comm.dispatch(32, 8192, 8, 7392, 1);
    // DeepSeek-V3 routing (8 groups, top-4) over 4 servers: 2.2 remote servers per token vs 6 copies
    expect(prefill.timeS / asDecode.timeS).toBeLessThan(0.45);
    expect(prefill.timeS / asDecode.timeS).toBeGreaterThan(0.25);
  });
});
