import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { simulate } from "../serving/simulate.ts";
import { estimate } from "./step-estimate.ts";
import { must } from "./test-support/reference-scenario.ts";

const decode = (
  system: string,
  model: string,
  group: string,
  precision = "{ weights: fp8, activations: fp8, kvCache: fp8 }",
) =>
  parseScenario(
    `system: ${system}
model: ${model}
precision: ${precision}
deployment:
  decode: { chipsPerInstance: 1, batchPerChip: 64, kvLength: 2048${group} }
`,
    "x.yaml",
  );

describe("weight and KV offload", () => {
  it("streams the offloaded weights per layer: layer time = max(compute, transfer), faster over C2C than PCIe", () => {
    const plain = estimate(decode("gb200-nvl72", "llama-3.1-70b", ""));
    const c2c = estimate(decode("gb200-nvl72", "llama-3.1-70b", ", offload: { weightsFraction: 0.5 }"));
    const o = c2c.decode?.step.offload;
    const layer = o?.perLayer[0];
    expect(o?.link).toMatch(/C2C/);
    // Half of a 70B FP8 layer (≈ 0.43 GB) over 225 GB/s per GPU (C2C shared by 2 GPUs): ≈ 1.9 ms.
    expect(layer?.weightsTransferS).toBeGreaterThan(1.7e-3);
    expect(layer?.weightsTransferS).toBeLessThan(2.1e-3);
    expect(c2c.decode?.step.stepS ?? 0).toBeGreaterThan(plain.decode?.step.stepS ?? 0);
    expect(o?.exposedS).toBeCloseTo(
      80 * Math.max(0, (layer?.weightsTransferS ?? 0) - (layer?.computeS ?? 0)),
      9,
    );
    // HBM holds half the layer weights (plus a two-layer buffer).
    const w0 = plain.decode?.memory.weightsBytes ?? 0;
    const w1 = c2c.decode?.memory.weightsBytes ?? 0;
    expect(w1 / w0).toBeGreaterThan(0.5);
    expect(w1 / w0).toBeLessThan(0.56);
    const pcie = estimate(decode("hgx-h200", "llama-3.1-70b", ", offload: { weightsFraction: 0.5 }"));
    expect(pcie.decode?.step.offload?.link).toMatch(/PCIe/);
    expect(pcie.decode?.step.stepS ?? 0).toBeGreaterThan(3 * (c2c.decode?.step.stepS ?? 0));
  });

  it("times each layer group on its own compute when two groups share an FFN kind (Qwen3-Next full + linear MoE)", () => {
    const at = (fraction: number) =>
      estimate(decode("gb200-nvl72", "qwen3-next-80b-a3b", `, offload: { weightsFraction: ${fraction} }`));
    const plain = estimate(decode("gb200-nvl72", "qwen3-next-80b-a3b", "")).decode?.step;
    for (const fraction of [0.02, 0.1]) {
      const step = at(fraction).decode?.step;
      const groups = step?.layers.filter((l) => l.kind !== "mtp") ?? [];
      expect(groups.map((l) => [l.kind, l.linearAttention === true])).toEqual([
        ["moe", false],
        ["moe", true],
      ]);
      const perLayer = step?.offload?.perLayer ?? [];
      let layersS = 0;
      let exposedS = 0;
      groups.forEach((l, g) => {
        const p = perLayer[g];
        expect(p?.computeS).toBe(l.timing.layerS);
        const transferS = (p?.weightsTransferS ?? 0) + (p?.kvTransferS ?? 0);
        layersS += l.count * Math.max(l.timing.layerS, transferS);
        exposedS += l.count * Math.max(0, transferS - l.timing.layerS);
      });
      expect(step?.offload?.exposedS).toBeCloseTo(exposedS, 12);
      expect(step?.stepS ?? 0).toBeCloseTo((plain?.stepS ?? 0) - (plain?.layersS ?? 0) + layersS, 9);
    }
    // 2 % of the weights stream well inside either group's compute: the offload hides entirely.
    expect(at(0.02).decode?.step.offload?.exposedS).toBe(0);
    expect(at(0.02).decode?.step.stepS ?? 0).toBeCloseTo(plain?.stepS ?? 0, 12);
  });

  it("KV offload frees HBM and costs the KV read on every step", () => {
    const plain = estimate(decode("hgx-h200", "llama-3.1-8b", ""));
    const kv = estimate(decode("hgx-h200", "llama-3.1-8b", ", offload: { kvCacheFraction: 0.5 }"));
    expect(kv.decode?.memory.kvCacheBytes).toBeCloseTo((plain.decode?.memory.kvCacheBytes ?? 0) / 2, -3);
    expect(kv.decode?.step.offload?.perLayer[0]?.kvTransferS).toBeGreaterThan(0);
    expect(kv.decode?.step.stepS ?? 0).toBeGreaterThan(plain.decode?.step.stepS ?? 0);
    expect(() => decode("hgx-h200", "llama-3.1-8b", ", offload: { link: pcie5 }")).toThrow(
      /unknown host link "pcie5"/,
    );
  });
});

describe("speculative decoding with a draft model", () => {
  const bf16 = "{ weights: bf16 }";
  it("adds the draft passes to the step, its weights to memory, and emits 1 + a + … + a^k tokens", () => {
    const plain = estimate(decode("hgx-h200", "llama-3.1-8b", "", bf16));
    const eagle = estimate(
      decode(
        "hgx-h200",
        "llama-3.1-8b",
        ", speculative: { method: eagle3, draftTokens: 3, acceptanceRate: 0.7, draftVocabSize: 32000 }",
        bf16,
      ),
    );
    const d = eagle.decode;
    expect(d?.tokensPerStepPerSequence).toBeCloseTo(1 + 0.7 + 0.49 + 0.343, 12);
    expect(d?.step.draft?.passes).toBe(3);
    expect(d?.step.stepS ?? 0).toBeGreaterThan(
      (plain.decode?.step.stepS ?? 0) + (d?.step.draft?.timeS ?? 0) * 0.99,
    );
    expect(d?.memory.perRank.weightsByComponent.draft ?? 0).toBeGreaterThan(0.2e9);
    // A whole 8B model as the draft costs far more than the one-layer head.
    const big = estimate(
      decode(
        "hgx-h200",
        "llama-3.1-70b",
        ", speculative: { method: draft-model, draftModel: llama-3.1-8b, draftTokens: 3, acceptanceRate: 0.7 }",
        "{ weights: fp8, kvCache: fp8 }",
      ),
    );
    expect(big.decode?.step.draft?.passS ?? 0).toBeGreaterThan(10 * (d?.step.draft?.passS ?? 0));
    expect(() =>
      decode(
        "hgx-h200",
        "llama-3.1-8b",
        ", speculative: { method: draft-model, draftTokens: 2, acceptanceRate: 0.5 }",
        bf16,
      ),
    ).toThrow(/needs draftModel/);
  });

  it("runs and stores a draft loaded in a format of its own (speculative.weights) in that format", () => {
    const fp8 = "{ weights: fp8, activations: fp8, kvCache: fp8 }";
    const head = (weights: string) =>
      must(
        estimate(
          decode(
            "hgx-h200",
            "llama-3.1-70b",
            `, speculative: { method: eagle3, draftTokens: 3, acceptanceRate: 0.7${weights} }`,
            fp8,
          ),
        ).decode,
      );
    const inherited = head("");
    const bf16 = head(", weights: bf16");
    expect(bf16.step.draft?.passS ?? 0).toBeGreaterThan(inherited.step.draft?.passS ?? 0);
    // The target's layers keep FP8; the head's decoder layer (≈ 0.86 B weights) stores two bytes
    // per weight instead of one (its embedding and LM head are BF16 either way).
    expect(bf16.step.layersS).toBe(inherited.step.layersS);
    const draftBytes = (e: typeof bf16) => e.memory.perRank.weightsByComponent.draft ?? 0;
    expect(draftBytes(bf16) - draftBytes(inherited)).toBeGreaterThan(0.75e9);
    expect(draftBytes(bf16) - draftBytes(inherited)).toBeLessThan(0.95e9);
  });

  it("runs the draft once over a prefill iteration's prompt tokens (its KV cache is filled there)", () => {
    const colocated = (spec: string) =>
      parseScenario(
        `system: hgx-h200
model: llama-3.1-8b
precision: { weights: bf16 }
deployment:
  colocated: { chipsPerInstance: 1, batchPerChip: 16, kvLength: 1024, tokensPerChip: 4096, promptLength: 512${spec} }
`,
        "spec.yaml",
      );
    const plain = must(estimate(colocated("")).prefill).step;
    const eagle = must(
      estimate(colocated(", speculative: { method: eagle3, draftTokens: 3, acceptanceRate: 0.7 }")).prefill,
    ).step;
    expect(plain.draft).toBeUndefined();
    // One pass, not draftTokens: the further drafts come in the decode steps.
    expect(eagle.draft?.passes).toBe(1);
    expect(eagle.draft?.timeS ?? 0).toBeGreaterThan(0);
    expect(eagle.stepS).toBeCloseTo(plain.stepS + (eagle.draft?.timeS ?? 0), 12);
    // A one-layer head beside 32 target layers over the same 4,096 tokens.
    expect(eagle.draft?.timeS ?? 0).toBeLessThan(plain.stepS / 10);
  });

  it("the serving simulator draws acceptances for the draft model's tokens", () => {
    const s = parseScenario(
      `system: hgx-h200
model: llama-3.1-8b
precision: { weights: bf16 }
deployment:
  colocated: { chipsPerInstance: 1, batchPerChip: 16, kvLength: 1024, tokensPerChip: 4096, promptLength: 512,
    speculative: { method: eagle, draftTokens: 2, acceptanceRate: 0.8 } }
workload:
  arrival: { kind: closed-loop, concurrency: 16 }
  promptTokens: { kind: fixed, tokens: 512 }
  outputTokens: { kind: fixed, tokens: 256 }
`,
      "spec.yaml",
    );
    const r = simulate(s, { requests: 64, seed: 3 });
    expect(r.summary.requests.completed).toBe(64);
    // Fewer steps than tokens: TPOT below one step's time.
    const step = estimate(s).decode?.step.stepS ?? 0;
    expect(r.summary.tpotS.p50).toBeLessThan(step);
  });
});
