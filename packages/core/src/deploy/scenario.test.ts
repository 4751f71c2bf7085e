import { describe, expect, it } from "vitest";
import { estimate } from "../perf/step-estimate.ts";
import { referenceScenarioText } from "../report/validate-end-to-end.ts";
import { parseOverride } from "../spec/scenario-overrides.ts";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { parseScenario } from "./scenario.ts";

const CM_DECODE = referenceScenarioText("cloudmatrix384-deepseek-r1-decode");
const FILE = "examples/cloudmatrix384-deepseek-r1-decode.yaml";

function parseWith(...sets: string[]) {
  return parseScenario(CM_DECODE, FILE, undefined, { overrides: sets.map(parseOverride) });
}

describe("parseScenario", () => {
  it("resolves the CloudMatrix384 decode reference deployment", () => {
    const s = parseWith();
    expect(s.system.id).toBe("cloudmatrix384");
    expect(s.model.numLayers).toBe(61);
    const d = s.deployment.decode;
    expect(d?.ranksPerInstance).toBe(320);
    expect(d?.ranksPerChip).toBe(2);
    expect(d?.attention).toEqual({ tp: 1, dp: 320, sequenceParallel: false });
    expect(d?.moe).toMatchObject({
      ep: 320,
      slotsPerRank: 1,
      dedicatedSharedReplicas: 32,
      redundantExperts: 32,
    });
    expect(d?.mtp?.tokensPerStep).toBeCloseTo(1.7, 10);
    expect(d?.overlap?.profile.id).toBe("cloudmatrix-aic-aiv-split");
    expect(s.precision).toEqual({
      weights: "int8",
      activations: "int8",
      kvCache: "bf16",
      attention: "bf16",
      dispatch: "int8",
      combine: "bf16",
    });
    expect(s.fabricTarget).toBe(s.system);
  });

  it("uses a cluster as the fabric when an instance spans several systems", () => {
    const s = parseScenario(referenceScenarioText("sglang-h100-deepseek-v3-decode"), "sgl.yaml");
    expect(s.deployment.decode?.ranksPerInstance).toBe(72);
    expect("systems" in s.fabricTarget && s.fabricTarget.systems).toBe(9);
  });

  it("locates schema errors at file:line:col", () => {
    const text = CM_DECODE.replace("batchPerChip: 96", "batchPerChip: -96");
    const e = supernodeErrorOf(() => parseScenario(text, FILE));
    expect(e.kind).toBe("schema");
    expect(e.message).toMatch(
      /^examples\/cloudmatrix384-deepseek-r1-decode\.yaml:\d+:\d+, field deployment\.decode\.batchPerChip/,
    );
  });

  it("suggests the nearest system id", () => {
    const e = supernodeErrorOf(() => parseWith("system=cloudmatrix"));
    expect(e.kind).toBe("unknown-id");
    expect(e.message).toContain("cloudmatrix384");
    expect(e.location.fieldPath).toEqual(["system"]);
  });

  it("says which parallel degree does not divide, and by how much", () => {
    const ep = supernodeErrorOf(() => parseWith("deployment.decode.moe.ep=300"));
    expect(ep.kind).toBe("infeasible");
    expect(ep.message).toContain("EP300 × TP1 = 300 ranks, but the instance has 320 ranks");
    const slots = supernodeErrorOf(() => parseWith("deployment.decode.moe.redundantExperts=31"));
    expect(slots.message).toContain("319 expert slots");
    expect(slots.message).toContain("add 1 redundant experts");
    const heads = supernodeErrorOf(() => parseWith("deployment.decode.attention.tp=3"));
    expect(heads.message).toMatch(/attention TP 3 does not divide the 320 ranks per instance: 2 left over/);
    const batch = supernodeErrorOf(() => parseWith("deployment.decode.batchPerChip=95"));
    expect(batch.message).toContain(
      "15200 sequences per instance (95 per chip × 160) do not divide over attention DP320: 160 left over",
    );
  });

  it("takes a fraction of a sequence per chip when the instance runs fewer sequences than chips", () => {
    // One request on a TP16 instance of 8 NPUs (vLLM-Ascend's Kimi-K2-Thinking at concurrency 1).
    const one = parseScenario(referenceScenarioText("vllm-ascend-atlas-a3-kimi-k2-thinking-c1"), "k2.yaml");
    expect(one.deployment.decode?.batchPerChip).toBe(0.125);
    const e = estimate(one).decode;
    const eight = estimate(
      parseScenario(referenceScenarioText("vllm-ascend-atlas-a3-kimi-k2-thinking-c1"), "k2.yaml", undefined, {
        overrides: [parseOverride("deployment.decode.batchPerChip=1")],
      }),
    ).decode;
    expect(e?.tpotS).toBeGreaterThan(0);
    expect(e?.tpotS).toBeLessThan(eight?.tpotS ?? 0);
    expect(e?.tokensPerSPerInstance).toBeCloseTo(1 / (e?.tpotS ?? Number.NaN), 6);
    const partial = supernodeErrorOf(() => parseWith("deployment.decode.batchPerChip=0.33"));
    expect(partial.message).toContain(
      "0.33 sequences per chip × 160 chips is not a whole number of sequences",
    );
  });

  it("rejects a dtype the chip lacks and MTP on a model without it", () => {
    const fp8 = supernodeErrorOf(() => parseWith("precision.weights=fp8"));
    expect(fp8.kind).toBe("unsupported");
    expect(fp8.message).toContain("no fp8 tensor math");
    const mtp = supernodeErrorOf(() => parseWith("model=llama-3.1-70b", "deployment.decode.moe={}"));
    expect(mtp.message).toContain("has no MTP module");
    const moe = supernodeErrorOf(() => parseWith("model=llama-3.1-70b"));
    expect(moe.message).toContain("has no MoE layers");
  });

  it("locates an unknown stream profile at its field, with the nearest ids", () => {
    const e = supernodeErrorOf(() =>
      parseWith("deployment.decode.microbatchOverlap.streams=cloudmatrix-aic-aiv-splt"),
    );
    expect(e.message).toContain('unknown stream profile "cloudmatrix-aic-aiv-splt"');
    expect(e.message).toContain("cloudmatrix-aic-aiv-split");
    expect(e.location.override).toBe("deployment.decode.microbatchOverlap.streams=cloudmatrix-aic-aiv-splt");
    expect(e.location.fieldPath).toEqual(["deployment", "decode", "microbatchOverlap", "streams"]);
  });

  it("locates an unknown expert-load skew profile at its field", () => {
    const e = supernodeErrorOf(() =>
      parseWith("deployment.decode.expertImbalance={distribution: measured-skew, profile: xdeepserve}"),
    );
    expect(e.message).toContain('unknown expert-load skew profile "xdeepserve"');
    expect(e.message).toContain("xdeepserve-r1-sharegpt");
    expect(e.location.override).toMatch(/^deployment\.decode\.expertImbalance=/);
    expect(e.location.fieldPath).toEqual(["deployment", "decode", "expertImbalance", "profile"]);
  });

  it("needs an operating point for each role", () => {
    const e = supernodeErrorOf(() => parseScenario(CM_DECODE.replace(/\n {4}batchPerChip: 96/, ""), FILE));
    expect(e.message).toContain("batchPerChip");
    expect(e.location.fieldPath).toEqual(["deployment", "decode", "batchPerChip"]);
  });

  it("parses the measured-skew expert imbalance, defaulting its profile", () => {
    const d = parseWith("deployment.decode.expertImbalance={ distribution: measured-skew }").deployment
      .decode;
    expect(d?.expertImbalance).toEqual({
      distribution: "measured-skew",
      profile: "xdeepserve-r1-sharegpt",
      placement: "eplb",
    });
    const e = supernodeErrorOf(() =>
      parseWith("deployment.decode.expertImbalance={ distribution: measured-skew, hottest: 30 }"),
    );
    expect(e?.message).toContain("expertImbalance");
  });

  it("removes an optional section with --set …=null", () => {
    expect(parseWith().deployment.decode?.mtp).toBeDefined();
    expect(parseWith("deployment.decode.mtp=null").deployment.decode?.mtp).toBeUndefined();
  });

  it("points an error in an overridden value at the override, not at the file", () => {
    const bad = supernodeErrorOf(() => parseWith("deployment.decode.batchPerChip=abc"));
    expect(bad.message).toMatch(/^--set deployment\.decode\.batchPerChip=abc: .*expected number/);
    const unknown = supernodeErrorOf(() => parseWith("deployment.decode.batch=abc"));
    expect(unknown.message).toMatch(/^--set deployment\.decode\.batch=abc: Unrecognized key/);
    const infeasible = supernodeErrorOf(() => parseWith("deployment.decode.moe.ep=7"));
    expect(infeasible.message).toMatch(/^--set deployment\.decode\.moe\.ep=7: /);
    // An error elsewhere in the file still names the file.
    expect(supernodeErrorOf(() => parseWith("name=x", "system=nope")).message).toMatch(/^--set system=nope/);
  });
});
