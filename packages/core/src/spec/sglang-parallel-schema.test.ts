import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { supernodeErrorOf } from "./test-support/supernode-error-of.ts";

const scenario = (sglang: string, extra = "", engine = "engine: { name: sglang }") =>
  [
    "system: hgx-h200",
    engine,
    "model: deepseek-r1",
    "precision: { weights: fp8, activations: fp8 }",
    "deployment:",
    "  decode:",
    `    sglang: ${sglang}`,
    ...(extra === "" ? [] : [`    ${extra}`]),
    "    batchPerChip: 8",
    "    kvLength: 2048",
  ].join("\n");
const group = (sglang: string) => parseScenario(scenario(sglang), "s.yaml").deployment.decode;

describe("deployment.<group>.sglang (SGLang's launch flags, resolved as ServerArgs resolves them)", () => {
  it("--tp 8 --enable-dp-attention without --dp-size is plain TP8 attention (dp_size 1 turns DP attention off)", () => {
    const g = group("{ tp: 8, enableDpAttention: true }");
    expect(g?.ranksPerInstance).toBe(8);
    expect(g?.attention).toMatchObject({ tp: 8, dp: 1 });
    expect(g?.moe).toMatchObject({ ep: 1, tp: 8 }); // ep_size defaults to 1: the experts are split by TP
  });

  it("--dp-size 8 with DP attention splits attention DP8 × TP1; --ep-size 8 spreads the experts", () => {
    const g = group("{ tp: 8, dpSize: 8, enableDpAttention: true, epSize: 8 }");
    expect(g?.attention).toMatchObject({ tp: 1, dp: 8 });
    expect(g?.moe).toMatchObject({ ep: 8, tp: 1 });
    expect(g?.instances).toBe(1);
  });

  it("under DP attention the LM head spans the TP group unless --enable-dp-lm-head keeps it in the attention group", () => {
    const dp = "{ tp: 8, dpSize: 8, enableDpAttention: true, epSize: 8";
    expect(group(`${dp} }`)?.lmHead).toEqual({ tp: 8, logits: "all-gather" });
    expect(group(`${dp}, enableDpLmHead: true }`)?.lmHead).toBeUndefined();
    // Without DP attention the head is split by the attention TP already.
    expect(group("{ tp: 8 }")?.lmHead).toBeUndefined();
    expect(
      supernodeErrorOf(() => parseScenario(scenario(`${dp} }`, "lmHead: { tp: 4 }"), "s.yaml")).message,
    ).toMatch(/lmHead is set by the sglang block/);
  });

  it("--dp-size without DP attention launches dp servers of tp ranks each", () => {
    const g = group("{ tp: 4, dpSize: 2 }");
    expect(g?.instances).toBe(2);
    expect(g?.ranksPerInstance).toBe(4);
    expect(g?.attention).toMatchObject({ tp: 4, dp: 1 });
  });

  it("refuses what SGLang refuses, and a field the block sets written beside it", () => {
    expect(
      supernodeErrorOf(() =>
        parseScenario(scenario("{ tp: 8, dpSize: 3, enableDpAttention: true }"), "s.yaml"),
      ).message,
    ).toMatch(/does not divide --tp 8/);
    expect(supernodeErrorOf(() => parseScenario(scenario("{ tp: 8, epSize: 3 }"), "s.yaml")).message).toMatch(
      /--ep-size 3/,
    );
    expect(
      supernodeErrorOf(() => parseScenario(scenario("{ tp: 8, moeDenseTpSize: 1 }"), "s.yaml")).message,
    ).toMatch(/needs DP attention/);
    expect(
      supernodeErrorOf(() => parseScenario(scenario("{ tp: 8 }", "attention: { tp: 2 }"), "s.yaml")).message,
    ).toMatch(/attention\.tp is set by the sglang block/);
  });

  it("refuses the block under another engine, or none, naming the field and the engine", () => {
    const vllm = supernodeErrorOf(() =>
      parseScenario(scenario("{ tp: 8 }", "", "engine: { name: vllm }"), "s.yaml"),
    );
    expect(vllm.kind).toBe("invalid-value");
    expect(vllm.location.fieldPath).toEqual(["deployment", "decode", "sglang"]);
    expect(vllm.message).toMatch(/field deployment\.decode\.sglang: SGLang's launch flags .* engine is vllm/);
    expect(supernodeErrorOf(() => parseScenario(scenario("{ tp: 8 }", "", ""), "s.yaml")).message).toMatch(
      /field deployment\.decode\.sglang: .* no engine is set/,
    );
  });
});
