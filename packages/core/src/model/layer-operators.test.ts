import { describe, expect, it } from "vitest";
import { SupernodeError } from "../spec/errors.ts";
import { layerKinds } from "./layer-kinds.ts";
import { layerOperators, modelHeadOperators, mtpOperators } from "./layer-operators.ts";
import type { ModelWorkload } from "./layer-work.ts";
import { expectDecodeFlops, sum } from "./test-support/decode-flops.ts";
import { byName } from "./test-support/operator-by-name.ts";
import type { Operator } from "./types.ts";
import { builtinModel } from "./zoo.ts";

describe("decode FLOPs", () => {
  it.each(["deepseek-v3", "kimi-k2", "qwen3-235b-a22b", "mixtral-8x7b", "llama-3.1-8b", "qwen3-32b"])(
    "%s: a decode step costs 2 × activated parameters per token + attention (±1%%)",
    (id) => expectDecodeFlops(builtinModel(id), { maxSequences: 1024, numRuns: 12, attentionPositive: true }),
  );

  it("has GQA attention cost 4 × pairs × heads × head_dim", () => {
    const arch = builtinModel("llama-3.1-8b");
    const ops = layerOperators(arch, 0, { phase: "decode", sequences: 4, kvTokens: 4000 });
    expect(byName(ops, "attn.core").flops).toBe(4 * (4000 + 4) * 32 * 128);
    expect(byName(ops, "attn.core").bytesRead.kvCache).toBe((4000 + 4) * 2 * 8 * 128 * 2);
    expect(byName(ops, "attn.kv_cache_write").bytesWritten.kvCache).toBe(4 * 2 * 8 * 128 * 2);
  });
});

describe("shards and MoE", () => {
  const arch = builtinModel("deepseek-v3");
  const w: ModelWorkload = { phase: "decode", sequences: 128, kvTokens: 128 * 2048 };

  it("splits attention heads over attentionTp", () => {
    const one = layerOperators(arch, 5, w);
    const eight = layerOperators(arch, 5, w, { attentionTp: 8 });
    expect(byName(eight, "attn.o_proj").flops * 8).toBe(byName(one, "attn.o_proj").flops);
    expect(byName(eight, "attn.core").flops * 8).toBe(byName(one, "attn.core").flops);
    // The latent cache is replicated: every rank reads all of it.
    expect(byName(eight, "attn.core").bytesRead.kvCache).toBe(byName(one, "attn.core").bytesRead.kvCache);
    expect(() => layerOperators(arch, 5, w, { attentionTp: 3 })).toThrow(SupernodeError);
  });

  it("runs the routed experts as a grouped GEMM over the given tokens per local expert", () => {
    const ops = layerOperators(arch, 5, w, { localExperts: 4, tokensPerLocalExpert: [10, 0, 30, 0] });
    const up = byName(ops, "moe.experts.gate_up_proj");
    expect(up.class).toBe("grouped-gemm");
    // The call's key for a fused-MoE kernel's tile config: the op's tokens and an expert's slice.
    expect(up.shape).toEqual({
      m: 20,
      n: 4096,
      k: 7168,
      groups: 2,
      routedRowsPerGroup: 640,
      localGroups: 4,
      opTokens: 128,
      expertIntermediate: 2048,
    });
    expect(up.flops).toBe(2 * 40 * 4096 * 7168);
    expect(up.bytesRead.weights).toBe(2 * 2 * (2048 * 7168 + 16 * 56 * 4));
    expect(() => layerOperators(arch, 5, w, { localExperts: 4, tokensPerLocalExpert: [1, 2] })).toThrow(
      /4 experts/,
    );
  });

  it("adds a fixed expert load (CUDA-graph padding rows) to the routed rows, waking idle experts", () => {
    const ops = layerOperators(arch, 5, w, {
      localExperts: 4,
      tokensPerLocalExpert: [10, 0, 30, 0],
      fixedExpertLoad: { experts: 2, tokens: 6 },
    });
    const up = byName(ops, "moe.experts.gate_up_proj");
    // 40 routed + 2 × 6 fixed rows; 2 experts touched + 2 fixed ones, each idle with probability 2/4
    expect(up.flops).toBe(2 * 52 * 4096 * 7168);
    expect(up.shape).toEqual({
      m: 52 / 3,
      n: 4096,
      k: 7168,
      groups: 3,
      routedRowsPerGroup: 832,
      localGroups: 4,
      opTokens: 128,
      expertIntermediate: 2048,
    });
    expect(up.bytesRead.weights).toBe(3 * 2 * (2048 * 7168 + 16 * 56 * 4));
  });

  it("runs a 1/expertTp slice of every touched expert for all of its tokens (expert tensor parallelism)", () => {
    const tokens = [10, 0, 30, 0];
    const whole = byName(
      layerOperators(arch, 5, w, { localExperts: 4, tokensPerLocalExpert: tokens }),
      "moe.experts.gate_up_proj",
    );
    const slice = byName(
      layerOperators(arch, 5, w, { localExperts: 4, tokensPerLocalExpert: tokens, expertTp: 8 }),
      "moe.experts.gate_up_proj",
    );
    // the same experts touched (groups) and rows, an eighth of the columns, weights and FLOPs
    expect(slice.shape).toEqual({
      m: 20,
      n: 512,
      k: 7168,
      groups: 2,
      routedRowsPerGroup: 640,
      localGroups: 4,
      opTokens: 128,
      expertIntermediate: 256,
    });
    expect(slice.flops * 8).toBe(whole.flops);
    expect(slice.bytesRead.weights * 8).toBe(whole.bytesRead.weights);
    expect(() => layerOperators(arch, 5, w, { expertTp: 3 })).toThrow(/expertTp/);
  });

  it("selects the experts in a kernel of its own after the router GEMM", () => {
    const ops = layerOperators(arch, 5, w);
    const names = ops.map((o) => o.name);
    expect(names.indexOf("moe.topk")).toBe(names.indexOf("moe.router") + 1);
    const tokens = byName(ops, "moe.router").bytesRead.activations / (7168 * 2);
    // the GEMM writes one logit per (token, expert); the selection reads them and writes top-8
    expect(byName(ops, "moe.router").flops).toBe(2 * tokens * 7168 * 256);
    expect(byName(ops, "moe.topk").flops).toBe(4 * tokens * 256);
    expect(byName(ops, "moe.topk").kernels).toBe(1);
    expect(byName(ops, "moe.topk").bytesRead.weights).toBe(0);
  });

  it("reads fewer expert weights when a small batch touches few experts", () => {
    const experts = (sequences: number) =>
      byName(
        layerOperators(arch, 5, { phase: "decode", sequences, kvTokens: sequences * 100 }),
        "moe.experts.down_proj",
      ).bytesRead.weights;
    expect(experts(1)).toBeLessThan(experts(64));
    expect(experts(4096)).toBeCloseTo(256 * (7168 * 2048 + 56 * 16 * 4), -3);
  });

  it("uses dense FFN in the first layers and counts the shared expert on its own tokens", () => {
    expect(layerOperators(arch, 0, w).some((o) => o.name === "ffn.gate_up_proj")).toBe(true);
    const ops = layerOperators(arch, 5, w, { sharedExpertTokens: 16 });
    expect(byName(ops, "moe.shared.down_proj").shape?.m).toBe(16);
  });

  it("adds MTP operators only to models with MTP modules", () => {
    const mtp = mtpOperators(arch, w);
    expect(mtp.some((o) => o.name === "mtp0.eh_proj")).toBe(true);
    expect(mtp.some((o) => o.name === "mtp0.moe.experts.gate_up_proj")).toBe(true);
    expect(mtpOperators(builtinModel("kimi-k2"), w)).toEqual([]);
  });
});

describe("prefill and training", () => {
  const arch = builtinModel("llama-3.1-70b");

  it("estimates cached context from the attended pairs of equal chunks", () => {
    // 2 chunks of 1,024 new tokens after 3,000 cached tokens each.
    const pairs = 2 * 1024 * (3000 + 1025 / 2);
    const ops = layerOperators(arch, 0, {
      phase: "prefill",
      sequences: 2,
      newTokens: 2048,
      attendedTokenPairs: pairs,
    });
    expect(byName(ops, "attn.core").bytesRead.kvCache).toBeCloseTo(6000 * 2 * 8 * 128 * 2, 0);
  });

  it("computes logits only for the last token of each prefill sequence", () => {
    const head = modelHeadOperators(arch, {
      phase: "prefill",
      sequences: 3,
      newTokens: 3000,
      attendedTokenPairs: 1e6,
    });
    expect(byName(head, "head.lm_head").shape?.m).toBe(3);
  });

  it("makes training backward 2× the forward GEMM FLOPs and 2.5× attention", () => {
    const fw = {
      phase: "train-forward",
      sequences: 2,
      tokens: 8192,
      attendedTokenPairs: 2 * ((4096 * 4097) / 2),
    } as const;
    const forward = layerOperators(arch, 3, fw);
    const backward = layerOperators(arch, 3, { ...fw, phase: "train-backward" });
    const gemms = (ops: Operator[]) =>
      sum(ops.filter((o) => o.class === "gemm" || o.class === "grouped-gemm"));
    expect(gemms(backward)).toBe(2 * gemms(forward));
    expect(byName(backward, "attn.core.backward").flops).toBe(2.5 * byName(forward, "attn.core").flops);
    // the backward kernel is marked as such (it has its own efficiency), the forward is not
    expect(byName(backward, "attn.core.backward").attention?.backward).toBe(true);
    expect(byName(forward, "attn.core").attention?.backward).toBeUndefined();
    expect(byName(backward, "attn.o_proj.wgrad").bytesWritten.weightGradients).toBe(8192 * 8192 * 4);
    expect(forward.every((o) => o.bytesWritten.kvCache === 0 && o.bytesRead.kvCache === 0)).toBe(true);
    expect(backward[0]?.name).toBe("ffn.down_proj.dgrad");
  });

  it("rejects a layer index out of range", () => {
    expect(() => layerOperators(arch, 80, { phase: "decode", sequences: 1, kvTokens: 1 })).toThrow(
      /out of range/,
    );
  });

  it("lists every layer kind for every layer index", () => {
    expect(layerKinds(arch).length).toBe(arch.numLayers);
  });
});
