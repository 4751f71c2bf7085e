/**
 * Which of the attention op and its RoPE / KV-cache-write kernels a reference scenario's step charges,
 * for tests of the engine overlays' `includesOperators` (the op holding what its kernel runs inside).
 */
import { baseName } from "../separate-kernel-ops.ts";
import { stepContext } from "../step-context.ts";
import { stepTime } from "../step-model.ts";
import { must, referenceScenario } from "./reference-scenario.ts";

/** @example attentionOpNames("trtllm-gpt-oss-hopper-offline", [], "prefill") → ["attn.core", …] */
export function attentionOpNames(
  scenarioName: string,
  sets: readonly string[],
  phase: "prefill" | "decode",
): string[] {
  const scenario = referenceScenario(scenarioName, ...sets);
  const ctx = stepContext(scenario, must(scenario.deployment.colocated));
  const batch =
    phase === "prefill"
      ? ({ phase, sequences: 4, newTokens: 4096, attendedTokenPairs: 4 * 1024 * 512 } as const)
      : ({ phase, sequences: 64, kvTokens: 64 * 2048 } as const);
  const names = stepTime(ctx, batch).layers.flatMap((l) => l.timing.items.map(baseName));
  return names.filter((n) => n === "attn.rotary" || n === "attn.kv_cache_write" || n === "attn.core");
}
