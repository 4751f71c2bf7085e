import { layerOperators } from "../../model/layer-operators.ts";
import { referenceScenario } from "./reference-scenario.ts";

/**
 * DeepSeek-V3's first MoE layer (layer 3) in an FP8 prefill of two 4,096-token prompts on one rank
 * of sglang-h100-deepseek-v3-prefill (9 local experts), and the separate-kernel context of that
 * step without its MoE kernel kind: the fixture of the separate-kernel insertion tests.
 */
export function deepseekPrefillMoeLayer() {
  const scenario = referenceScenario("sglang-h100-deepseek-v3-prefill");
  const ops = layerOperators(
    scenario.model,
    3,
    { phase: "prefill", sequences: 2, newTokens: 8192, attendedTokenPairs: 2 * 4096 * 4097 * 0.5 },
    {
      weightDtype: "fp8",
      computeDtype: "fp8",
      localExperts: 9,
      tokensPerLocalExpert: 7282,
      sharedExpertTokens: 8192,
    },
  );
  const ctx = {
    hiddenSize: 7168,
    dispatchedTokens: 8192,
    receivedTokens: 6 * 8192,
    routedTokens: 6 * 8192,
    topK: 8,
    mla: { nopeDim: 128, ropeDim: 64, vDim: 128 },
  } as const;
  return { scenario, ops, ctx };
}
