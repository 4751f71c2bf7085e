import { describe, expect, it } from "vitest";
import { parseScenarioSource } from "../deploy/scenario.ts";
import { estimate } from "../perf/step-estimate.ts";
import { servingModelOf } from "../serving/simulate.ts";
import type { SourceDocument } from "../spec/parse-document.ts";
import { chunkedColocatedPoint, chunkPerChip } from "./chunked-step.ts";
import { gptMoeDocument, gptMoeSpace } from "./example-gpt-moe.ts";
import { precisionChoice } from "./precision-choices.ts";
import { searchPrefill } from "./prefill-search.ts";
import { searchDeployments } from "./search.ts";
import type { SearchSpace } from "./search-space.ts";
import { defaultPrefillSpace, searchServing } from "./serving-search.ts";

const shape = { inputTokens: 32768, outputTokens: 1024 };
const doc = (system: string, precision: "fp8" | "fp4"): SourceDocument => ({
  fileName: `${system}.yaml`,
  data: gptMoeDocument(system, precision, "test"),
  locate: () => undefined,
});

/** A narrow space: two chip counts, attention TP 8, a few MoE TPs and batches. */
function narrow(precision: "fp8" | "fp4", extra: Partial<SearchSpace> = {}): SearchSpace {
  return {
    ...gptMoeSpace(precision),
    chipsPerInstance: [32, 64],
    attentionTp: [8],
    moeTp: [2, 4],
    batchPerChip: [4, 16],
    pp: [1, 2],
    ...extra,
  };
}

describe("chunked colocated serving", () => {
  it("chunks prompts at the rate the decode batch finishes requests", () => {
    expect(chunkPerChip(16, 1, shape)).toBe(512);
    expect(chunkPerChip(16, 1.7, { inputTokens: 2048, outputTokens: 2048 })).toBeCloseTo(27.2, 9);
  });

  it("costs more than the decode step alone and takes input ÷ chunk iterations to the first token", () => {
    const data = gptMoeDocument("gb200-nvl72", "fp4", "t") as { deployment: { decode: object } };
    const colocated = {
      ...data,
      deployment: {
        colocated: { ...data.deployment.decode, batchPerChip: 16, promptLength: 32768, tokensPerChip: 512 },
      },
    };
    const scenario = parseScenarioSource({ fileName: "c.yaml", data: colocated, locate: () => undefined });
    const plan = scenario.deployment.colocated;
    if (plan === undefined) throw new Error("no colocated plan");
    const p = chunkedColocatedPoint(scenario, plan, shape);
    const decodeOnly = estimate(scenario).decode?.step.stepS ?? 0;
    expect(p.stepS).toBeGreaterThan(decodeOnly);
    expect(p.chunkTokensPerChip).toBe(512);
    const perGroup = (512 * plan.chipsPerInstance) / plan.attention.dp;
    expect(p.ttftS).toBeCloseTo((32768 / perGroup) * p.stepS, 9);
    expect(p.tokensPerSPerChip).toBeCloseTo(16 / p.stepS, 9);
  });
});

describe("search space: pipeline stages and precision", () => {
  it("prunes a format the chip lacks, counted per reason, and searches PP", () => {
    const d = doc("hgx-h100", "fp8");
    const base = parseScenarioSource(d);
    const written = (d.data as { precision: Record<string, unknown> }).precision;
    const space = narrow("fp8", {
      precisions: [precisionChoice(written, "fp8"), precisionChoice(written, "fp4")],
    });
    const r = searchDeployments(d, base, { space });
    // half the space is FP4, which Hopper's tensor cores do not run
    expect(r.pruned["precision not supported by the chip: fp4"]).toBe(r.total / 2);
    expect(r.points.every((p) => p.candidate.precision === "fp8")).toBe(true);
    const pp2 = r.points.find((p) => p.candidate.pp === 2);
    expect(pp2?.label).toContain("PP2");
    // EP counts the ranks of one stage: 64 chips / (2 stages × MoE TP 2) = 16
    expect(
      r.points.find(
        (p) => p.candidate.pp === 2 && p.candidate.chipsPerInstance === 64 && p.candidate.moeTp === 2,
      )?.label,
    ).toContain("EP16");
  });

  it("ranks by tokens per kW when asked, with power from the energy layer", () => {
    const d = doc("gb200-nvl72", "fp4");
    const r = searchDeployments(d, parseScenarioSource(d), { space: narrow("fp4"), rankBy: "tokens-per-kw" });
    expect(r.ranked.length).toBeGreaterThan(1);
    for (let i = 1; i < r.ranked.length; i++)
      expect((r.ranked[i - 1]?.tokensPerKw ?? 0) >= (r.ranked[i]?.tokensPerKw ?? 0)).toBe(true);
    const p = r.ranked[0];
    expect(p?.tokensPerKw).toBeCloseTo(
      ((p?.tokensPerSPerChip ?? 0) * 1000) / (p?.economics.wattsPerChip ?? 1),
      6,
    );
    expect(p?.tokensPerDollar).toBeGreaterThan(0);
  });
});

describe("searchServing", () => {
  const d = doc("gb200-nvl72", "fp4");
  const base = parseScenarioSource(d);
  const space = narrow("fp4");
  const r = searchServing(d, base, {
    shape,
    slo: { tpotS: 0.05, ttftS: 5 },
    spaces: {
      decode: space,
      prefill: { ...defaultPrefillSpace(space), tokensPerChip: [2048, 4096] },
      colocated: { ...space, role: "colocated" },
    },
  });

  it("rate-matches a prefill pool to each decode point: tokens/s per chip counts both pools", () => {
    const prefill = r.disaggregated?.prefill.ranked[0];
    const point = r.points.find((p) => p.mode === "disaggregated");
    expect(prefill).toBeDefined();
    expect(point).toBeDefined();
    if (point === undefined || prefill === undefined) return;
    const D = point.decode.tokensPerSPerChip;
    const P = prefill.tokensPerSPerChip;
    expect(point.tokensPerSPerChip).toBeCloseTo(D / (1 + (D * 32768) / (1024 * P)), 6);
    expect(point.ttftS).toBe(prefill.ttftS);
    expect(prefill.ttftS).toBeLessThanOrEqual(5);
  });

  it("counts the prompt's KV transfer to the decode pool in the disaggregated TTFT, as the simulator moves it", () => {
    const kv = r.disaggregated?.kvTransfer;
    const prefill = r.disaggregated?.prefill.ranked[0];
    if (kv === undefined || prefill === undefined) throw new Error("no disaggregated result");
    // GPT-MoE-1.8T: 120 layers × (K + V) × 8 KV heads × 128 dims × 1 byte (FP8 KV), per prompt token
    expect(kv.bytes).toBe(32768 * 120 * 2 * 8 * 128);
    // the same path and cost the serving simulator gives its KV transfers (default: the RDMA plane)
    const scenario = parseScenarioSource({
      ...d,
      data: {
        ...(d.data as object),
        workload: {
          arrival: { kind: "poisson", ratePerS: 1 },
          promptTokens: { kind: "fixed", tokens: 32768 },
          outputTokens: { kind: "fixed", tokens: 1024 },
        },
      },
    });
    const simulated = servingModelOf(scenario).kvTransfer;
    expect(kv.path).toBe(simulated?.description);
    expect(kv.transferS).toBeCloseTo(simulated?.transferS(kv.bytes) ?? 0, 12);
    // 8 GB over one GPU's 400 Gb/s NIC: at least bytes ÷ bandwidth
    expect(kv.transferS).toBeGreaterThanOrEqual(
      kv.bytes / base.system.scaleOut.bandwidthBytesPerSPerChip.value,
    );
    expect(kv.transferS).toBeLessThan(0.5);
    expect(prefill.kvTransferS).toBe(kv.transferS);
    expect(prefill.ttftS).toBeCloseTo(prefill.prefillS + kv.transferS, 12);
    for (const p of r.points) if (p.mode === "disaggregated") expect(p.kvTransferS).toBe(kv.transferS);
  });

  it("holds the transfer against the TTFT SLO: a prefill layout within it only without the transfer misses", () => {
    const prefillSpace = { ...defaultPrefillSpace(space), tokensPerChip: [2048] };
    const without = searchPrefill(d, base, prefillSpace, {});
    const fastest = Math.min(...without.points.map((p) => p.ttftS));
    const slo = { ttftS: fastest * 1.01 };
    expect(searchPrefill(d, base, prefillSpace, { slo }).ranked.length).toBeGreaterThan(0);
    const withTransfer = searchPrefill(d, base, prefillSpace, { slo, kvTransferS: fastest * 0.02 });
    expect(withTransfer.ranked).toHaveLength(0);
    expect(withTransfer.points.every((p) => p.ttftS === p.prefillS + fastest * 0.02)).toBe(true);
  });

  it("has both modes on one frontier within the TTFT SLO", () => {
    expect(r.points.some((p) => p.mode === "colocated-chunked")).toBe(true);
    expect(r.frontier.length).toBeGreaterThan(0);
    expect(r.frontier.every((p) => p.ttftS <= 5)).toBe(true);
    for (let i = 1; i < r.frontier.length; i++) {
      expect(r.frontier[i]?.tokensPerSPerUser ?? 0).toBeGreaterThan(
        r.frontier[i - 1]?.tokensPerSPerUser ?? 0,
      );
      expect(r.frontier[i]?.tokensPerSPerChip ?? 0).toBeLessThan(r.frontier[i - 1]?.tokensPerSPerChip ?? 0);
    }
  });
});
