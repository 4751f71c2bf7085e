import { describe, expect, it } from "vitest";
import { estimate } from "./step-estimate.ts";
import { withSeparateKernels } from "./step-separate-kernels.ts";
import { deepseekPrefillMoeLayer } from "./test-support/deepseek-prefill-moe-layer.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const policy = {
  activationQuant: { groupSize: 128, scaleBytes: 4 },
  expertPermute: true,
  mlaKeyConcat: true,
} as const;

describe("separate small kernels of an engine (activation quantisation, expert permute / gather)", () => {
  const { scenario, ops, ctx } = deepseekPrefillMoeLayer();

  it("quantises each 8-bit GEMM input once: bytes = BF16 in, FP8 out plus one FP32 scale per 128", () => {
    const out = withSeparateKernels(ops, policy, { ...ctx, moeKernels: "normal" });
    const q = must(out.find((o) => o.name === "attn.o_proj.quant"));
    const oProj = must(ops.find((o) => o.name === "attn.o_proj"));
    const elements = (oProj.shape?.m ?? 0) * (oProj.shape?.k ?? 0);
    expect(q.bytesRead.activations).toBe(elements * 2);
    expect(q.bytesWritten.activations).toBeCloseTo(elements * (1 + 4 / 128), 6);
    // placed right before its GEMM (the schedule's attention-pre / -post split follows the order)
    expect(out.findIndex((o) => o.name === "attn.o_proj.quant") + 1).toBe(
      out.findIndex((o) => o.name === "attn.o_proj"),
    );
    // the routed experts' first GEMM gets its tokens quantised before dispatch, not after
    expect(out.some((o) => o.name === "moe.experts.gate_up_proj.quant")).toBe(false);
    expect(must(out.find((o) => o.name === "moe.dispatch_quant")).bytesRead.activations).toBe(
      8192 * 7168 * 2,
    );
  });

  it("fuses o_proj's input quantisation into attention only for the attention kinds an entry names (MLA writes BF16)", () => {
    const fused = {
      ...policy,
      fusedKernels: [
        {
          operators: ["attn.o_proj.quant"],
          when: "always",
          kvCache: ["fp8"],
          attentionOutputSchemes: ["per-tensor"],
          attentionKinds: ["gqa"],
        },
      ],
    } as const;
    const fp8 = {
      ...ctx,
      moeKernels: "normal",
      kvCache: "fp8",
      attentionOutputScheme: "per-tensor",
    } as const;
    const launches = (c: Parameters<typeof withSeparateKernels>[2]) =>
      must(withSeparateKernels(ops, fused, c).find((o) => o.name === "attn.o_proj.quant")).kernels;
    expect(launches(fp8)).toBe(1); // this layer's attention is MLA: the quantisation kernel runs
    const { mla: _, ...gqa } = fp8;
    expect(launches(gqa)).toBe(0);
    expect(launches({ ...gqa, kvCache: "bf16" })).toBe(1);
  });

  it("normal MoE kernels: scatter before the grouped GEMMs, and the weighted gather replaces moe.combine", () => {
    const out = withSeparateKernels(ops, policy, { ...ctx, moeKernels: "normal" });
    expect(out.some((o) => o.name === "moe.combine")).toBe(false);
    const gather = must(out.find((o) => o.name === "moe.experts.gather"));
    expect(gather.bytesWritten.activations).toBe(6 * 8192 * 7168 * 2);
    expect(out.some((o) => o.name === "moe.experts.scatter")).toBe(true);
    expect(out.some((o) => o.name === "moe.experts.down_proj.quant")).toBe(true);
    // the shared expert's output is added by a kernel of its own: reads both, writes one
    const add = must(out.find((o) => o.name === "moe.shared_add"));
    expect(add.bytesRead.activations).toBe(2 * add.bytesWritten.activations);
  });

  it("assembles the MLA prefill keys: writes tokens × heads × (nope + rope) once", () => {
    const out = withSeparateKernels(ops, policy, { ...ctx, moeKernels: "normal" });
    const k = must(out.find((o) => o.name === "attn.k_concat"));
    const kvB = must(ops.find((o) => o.name === "attn.kv_b_proj"));
    const heads = (kvB.shape?.n ?? 0) / 256;
    expect(heads).toBe(128);
    expect(k.bytesWritten.activations).toBe((kvB.shape?.m ?? 0) * heads * 192 * 2);
    expect(k.kernels).toBe(2);
  });

  it("vLLM's MLA prefill: one cat for the keys, the core's output copied into the layer's buffer", () => {
    const vllm = { expertPermute: false, mlaKeyConcat: true, mlaKeyConcatKernels: 1, mlaOutputCopy: true };
    const out = withSeparateKernels(ops, vllm, { ...ctx, moeKernels: "normal" });
    expect(must(out.find((o) => o.name === "attn.k_concat")).kernels).toBe(1);
    const copy = must(out.find((o) => o.name === "attn.out_copy"));
    const kvB = must(ops.find((o) => o.name === "attn.kv_b_proj"));
    // [tokens, 128 heads, v 128] in BF16, read once and written once, right after the core
    expect(copy.bytesRead.activations).toBe((kvB.shape?.m ?? 0) * 128 * 128 * 2);
    expect(copy.bytesWritten.activations).toBe(copy.bytesRead.activations);
    expect(out.findIndex((o) => o.name === "attn.out_copy")).toBe(
      out.findIndex((o) => o.name === "attn.core") + 1,
    );
    // SGLang's policy copies no output
    expect(
      withSeparateKernels(ops, policy, { ...ctx, moeKernels: "normal" }).some(
        (o) => o.name === "attn.out_copy",
      ),
    ).toBe(false);
  });

  it("low-latency kernels fuse the expert path's quantisation and need no permutation", () => {
    const out = withSeparateKernels(ops, policy, { ...ctx, moeKernels: "low-latency" });
    for (const name of [
      "moe.experts.scatter",
      "moe.experts.gather",
      "moe.experts.down_proj.quant",
      "moe.dispatch_quant",
    ])
      expect(out.some((o) => o.name === name)).toBe(false);
    expect(out.some((o) => o.name === "moe.combine")).toBe(true);
    expect(out.some((o) => o.name === "attn.q_b_proj.quant")).toBe(true);
  });

  it("CUTLASS MoE prologue: sort in 1 kernel up to 256 routed tokens, else 3; expand reads and writes the expert rows", () => {
    const cutlass = {
      activationQuant: { groupSize: 128, scaleBytes: 4 },
      expertPermute: false,
      mlaKeyConcat: false,
      moePrologue: { fusedMaxTokens: 256, unfusedKernels: 3 },
    } as const;
    const out = withSeparateKernels(ops, cutlass, { ...ctx, moeKernels: "normal" });
    expect(must(out.find((o) => o.name === "moe.experts.sort")).kernels).toBe(3);
    const few = withSeparateKernels(ops, cutlass, { ...ctx, routedTokens: 200, moeKernels: "normal" });
    expect(must(few.find((o) => o.name === "moe.experts.sort")).kernels).toBe(1);
    const gateUp = must(ops.find((o) => o.name === "moe.experts.gate_up_proj"));
    const expand = must(out.find((o) => o.name === "moe.experts.expand"));
    expect(expand.bytesRead.activations).toBe(gateUp.bytesRead.activations);
    expect(expand.bytesWritten.activations).toBe(gateUp.bytesRead.activations);
    // the op quantises inside (prefill too): no dispatch or second-GEMM quantisation, moe.combine stays
    for (const name of ["moe.dispatch_quant", "moe.experts.down_proj.quant", "moe.experts.scatter"])
      expect(out.some((o) => o.name === name)).toBe(false);
    expect(out.some((o) => o.name === "moe.combine")).toBe(true);
    expect(out.findIndex((o) => o.name === "moe.experts.expand") + 1).toBe(
      out.findIndex((o) => o.name === "moe.experts.gate_up_proj"),
    );
  });

  it("CUTLASS MoE: one grouped-GEMM setup kernel before the first GEMM; the MoE input quantised before an 8-bit gather", () => {
    const cutlass = {
      expertPermute: false,
      mlaKeyConcat: false,
      moePrologue: { fusedMaxTokens: 256, unfusedKernels: 3, gemmSetupKernels: 1, quantizeBeforeComm: true },
    } as const;
    const fp8 = {
      ...ctx,
      moeKernels: "low-latency",
      dispatchBytesPerToken: 7168 + 56 * 4,
      localExperts: 9,
    } as const;
    const out = withSeparateKernels(ops, cutlass, fp8);
    const setup = must(out.find((o) => o.name === "moe.experts.gemm_setup"));
    expect(setup.kernels).toBe(1);
    // per local expert: one 8-byte offset read, two GEMMs x 9 eight-byte arguments written
    expect(setup.bytesRead.activations).toBe(8 * 9);
    expect(setup.bytesWritten.activations).toBe(2 * 9 * 8 * 9);
    expect(out.findIndex((o) => o.name === "moe.experts.gemm_setup") + 1).toBe(
      out.findIndex((o) => o.name === "moe.experts.gate_up_proj"),
    );
    const q = must(out.find((o) => o.name === "moe.dispatch_quant"));
    expect(q.bytesRead.activations).toBe(8192 * 7168 * 2); // BF16 in (the rank's own tokens)
    expect(q.bytesWritten.activations).toBe(8192 * (7168 + 56 * 4)); // the dispatch format out
    expect(out.findIndex((o) => o.name === "moe.router") + 1).toBe(
      out.findIndex((o) => o.name === "moe.dispatch_quant"),
    );
    // BF16 on the wire (DeepSeek FP8 block scales): no quantisation before the gather
    const { dispatchBytesPerToken: _, ...bf16 } = fp8;
    expect(withSeparateKernels(ops, cutlass, bf16).some((o) => o.name === "moe.dispatch_quant")).toBe(false);
  });

  it("an engine without the policy (CloudMatrix-Infer) keeps the operator list; SGLang's prefill layer grows", () => {
    expect(withSeparateKernels(ops, undefined, { ...ctx, moeKernels: "normal" })).toEqual(ops);
    const moeLayer = must(estimate(scenario).prefill).step.layers.find((l) => l.kind === "moe");
    const names = must(moeLayer).timing.items.map((i) => i.name);
    expect(names).toContain("moe.experts.gather");
    const cm = must(estimate(referenceScenario("cloudmatrix384-deepseek-r1-prefill")).prefill);
    const cmNames = must(cm.step.layers.find((l) => l.kind === "moe")).timing.items.map((i) => i.name);
    expect(cmNames.some((n) => n.endsWith(".quant"))).toBe(false);
  });
});
