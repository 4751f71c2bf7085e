import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { activationOffload, offloadCandidates } from "./activation-offload.ts";
import { pipelineCompute } from "./stage-compute.ts";
import { trainEstimate } from "./train-estimate.ts";
import { trainingMemory } from "./training-memory.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

// Nemotron 3 Ultra on 256 GB300 as Megatron-Bridge 26.08's recipe runs it (the reference scenario's layout).
const ultra = (extra: string) => `kind: training
system: gb300-nvl72
chips: 256
fabric: ib-xdr-fat-tree
model: nemotron-3-ultra-550b-a55b
precision: { compute: fp8, fp8Scaling: blockwise, dispatch: bf16, gradients: bf16 }
parallelism: { tp: 1, pp: 1, ep: 64, zero: 3, optimizerInstances: 4 }
batch: { globalBatch: 256, microBatch: 1, sequenceLength: 8192 }
recompute: selective
tokenDispatcher: hybridep
${extra}`;

// Qwen3-30B-A3B on two HGX H100 servers (PCIe Gen5 host link), BF16.
const qwen = (extra: string) => `kind: training
system: hgx-h100
chips: 16
model: qwen3-30b-a3b
parallelism: { tp: 1, pp: 1, ep: 8 }
batch: { globalBatch: 256, microBatch: 2, sequenceLength: 4096 }
recompute: selective
${extra}`;

describe("fine-grained activation offload (activationOffload)", () => {
  it("moves only the tensors at the threshold, keeps one group, and hides the copies on NVLink-C2C", () => {
    const plain = parseTrainingScenario(ultra(""), "ultra.yaml");
    const off = parseTrainingScenario(
      ultra("activationOffload: { modules: [fused_group_mlp], minTensorElements: 500000000 }\n"),
      "ultra-off.yaml",
    );
    // FC1's output: 8,192 tokens × top-22 × 5,120 = 922.7M elements (BF16); FC1's input at the
    // latent width, 369M elements, stays under the recipe's 500M.
    const candidates = offloadCandidates(off, 8192);
    expect(candidates.map((t) => t.elements)).toEqual([8192 * 22 * 2048, 8192 * 22 * 5120]);
    const o = activationOffload(off, 8192);
    expect(o?.bytesPerLayer).toBe(8192 * 22 * 5120 * 2);
    // 48 MoE layers, the last one kept on the device.
    const m0 = trainingMemory(plain).worst;
    const m1 = trainingMemory(off).worst;
    expect(m1.offloaded).toBe(47 * 8192 * 22 * 5120 * 2);
    expect(m0.activations - m1.activations).toBeCloseTo(m1.offloaded, 0);
    expect(m0.total).toBeGreaterThan(trainingMemory(plain).capacityBytes);
    expect(trainingMemory(off).fits).toBe(true);
    // 8.2 ms per copy at 225 GB/s against ≈ 10.7 ms of forward per MoE layer: nothing waits.
    expect(o?.transferS).toBeCloseTo(1.8455e9 / 225e9, 4);
    expect(trainEstimate(off).stepS).toBe(trainEstimate(plain).stepS);
  });

  it("exposes what a copy outlasts on a PCIe host, per MoE layer and direction", () => {
    const plain = parseTrainingScenario(qwen(""), "q.yaml");
    const off = parseTrainingScenario(
      qwen("activationOffload: { modules: [moe_act, expert_fc1] }\n"),
      "q-off.yaml",
    );
    const o = activationOffload(off, 8192);
    if (o === undefined) throw new Error("nothing offloaded");
    expect(o.margin).toBe(2);
    const a = pipelineCompute(plain).bottleneck;
    const b = pipelineCompute(off).bottleneck;
    const n = a.moeLayers;
    expect(n).toBe(48);
    const wait = n * Math.max(0, o.transferS - a.forwardS / n);
    expect(wait).toBeGreaterThan(0);
    expect(b.forwardS - a.forwardS).toBeCloseTo(wait, 9);
    expect(b.backwardWeightS).toBe(a.backwardWeightS);
    expect(trainingMemory(off).worst.offloaded).toBeCloseTo((n - 2) * o.bytesPerLayer, 0);
  });

  it("offloads nothing under full recompute and refuses what Megatron refuses", () => {
    const full = parseTrainingScenario(
      qwen("activationOffload: { modules: [moe_act] }\n").replace("recompute: selective", "recompute: full"),
      "q-full.yaml",
    );
    expect(activationOffload(full, 8192)).toBeUndefined();
    expect(trainingMemory(full).worst.offloaded).toBe(0);
    const mixed = supernodeErrorOf(() =>
      parseTrainingScenario(qwen("activationOffload: { modules: [fused_group_mlp, moe_act] }\n"), "q.yaml"),
    );
    expect(mixed.message).toContain("cannot be combined");
    const foreign = supernodeErrorOf(() =>
      parseTrainingScenario(
        qwen("framework: hai-llm\nactivationOffload: { modules: [moe_act] }\n"),
        "q.yaml",
      ),
    );
    expect(foreign.message).toContain("activationOffload is a Megatron-Core option");
  });
});
