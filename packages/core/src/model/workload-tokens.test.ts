import { describe, expect, it } from "vitest";
import { SupernodeError } from "../spec/errors.ts";
import { expertShard } from "./expert-shard.ts";
import { workloadTokens } from "./workload-tokens.ts";
import { builtinModel } from "./zoo.ts";

describe("workloadTokens", () => {
  it("counts a decode step's tokens, causal pairs and KV traffic (one MTP draft verified)", () => {
    // 2 sequences × 2 new tokens over 10 cached tokens in all: pairs 2 × 10 + 2 × (1 + 2)
    expect(workloadTokens({ phase: "decode", sequences: 2, kvTokens: 10, tokensPerSequence: 2 })).toEqual({
      forwardPhase: "decode",
      sequences: 2,
      tokens: 4,
      attendedTokenPairs: 26,
      kvReadTokens: 14,
      kvWriteTokens: 4,
      logitTokens: 4,
      paddingSequences: 0,
    });
  });

  it("estimates a prefill chunk's cached context from its pairs (equal chunks), logits one per sequence", () => {
    // 2 prompts of 8 new tokens after 100 cached each: pairs 2 × (8 × 100 + 36) = 1,672
    const t = workloadTokens({ phase: "prefill", sequences: 2, newTokens: 16, attendedTokenPairs: 1672 });
    expect(t.kvReadTokens).toBeCloseTo(200, 9);
    expect(t.logitTokens).toBe(2);
    expect(
      workloadTokens({ phase: "train-backward", sequences: 1, tokens: 5, attendedTokenPairs: 15 }),
    ).toMatchObject({ forwardPhase: "train-forward", kvReadTokens: 0, logitTokens: 5 });
  });

  it("names the field of a count that is not a number it can use", () => {
    const error = (() => {
      try {
        workloadTokens({ phase: "decode", sequences: 1, kvTokens: Number.NaN });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SupernodeError);
    expect((error as SupernodeError).message).toContain("kvTokens must be a finite number >= 0, got NaN");
    expect(() =>
      workloadTokens({ phase: "decode", sequences: 1, kvTokens: 1, tokensPerSequence: 1.5 }),
    ).toThrow(/tokensPerSequence must be an integer >= 1/);
  });
});

describe("expertShard", () => {
  const arch = builtinModel("deepseek-v3"); // 256 routed experts, top-8

  it("spreads tokens × top-k evenly over the experts unless given per expert", () => {
    expect(expertShard(arch, { localExperts: 8 }, 64)).toEqual({
      localExperts: 8,
      expertTokens: undefined,
      meanTokensPerLocalExpert: 2,
    });
    expect(
      expertShard(arch, { localExperts: 2, tokensPerLocalExpert: [3, 5] }, 64).meanTokensPerLocalExpert,
    ).toBe(4);
    expect(() => expertShard(arch, { localExperts: 2, tokensPerLocalExpert: [3] }, 64)).toThrow(
      /tokensPerLocalExpert has 1 entries but this rank holds 2 experts/,
    );
  });
});
