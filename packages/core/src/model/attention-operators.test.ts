import { describe, expect, it } from "vitest";
import { layerOperators } from "./layer-operators.ts";
import type { Operator } from "./types.ts";
import { builtinModel } from "./zoo.ts";

const core = (ops: readonly Operator[]): Operator => {
  const op = ops.find((o) => o.name === "attn.core");
  if (op === undefined) throw new Error("no attn.core");
  return op;
};

describe("attention core shape (for shape-dependent attention efficiency)", () => {
  it("naive MLA prefill: 128 heads / TP, head dims 192 and 128, causal, keys per query from the pairs", () => {
    const arch = builtinModel("deepseek-v3");
    const sequences = 4;
    const prompt = 4096;
    const op = core(
      layerOperators(
        arch,
        5,
        {
          phase: "prefill",
          sequences,
          newTokens: sequences * prompt,
          attendedTokenPairs: (sequences * prompt * (prompt + 1)) / 2,
        },
        { attentionTp: 2 },
      ),
    );
    expect(op.class).toBe("attention-prefill");
    expect(op.attention).toEqual({
      queries: sequences * prompt,
      heads: 64,
      qkHeadDim: 192,
      vHeadDim: 128,
      meanKeysPerQuery: (prompt + 1) / 2,
      causal: true,
    });
    // the FLOPs follow from the shape: 2 · pairs · heads · (qk + v)
    const a = op.attention;
    if (a === undefined) throw new Error("no shape");
    expect(op.flops).toBeCloseTo(
      2 * a.queries * a.meanKeysPerQuery * a.heads * (a.qkHeadDim + a.vHeadDim),
      0,
    );
  });

  it("chunked prefill attends the cached context too; decode is not causal over the cache", () => {
    const arch = builtinModel("llama-3.1-8b");
    const chunk = core(
      layerOperators(arch, 0, {
        phase: "prefill",
        sequences: 1,
        newTokens: 1024,
        attendedTokenPairs: 1024 * 3072 + (1024 * 1025) / 2,
        contextTokens: 3072,
      }),
    );
    expect(chunk.attention?.meanKeysPerQuery).toBeCloseTo(3072 + 1025 / 2, 6);
    expect(chunk.attention?.qkHeadDim).toBe(128);
    const decode = core(layerOperators(arch, 0, { phase: "decode", sequences: 8, kvTokens: 8 * 1000 }));
    expect(decode.class).toBe("attention-decode");
    expect(decode.attention?.causal).toBe(false);
    expect(decode.attention?.queries).toBe(8);
  });
});
