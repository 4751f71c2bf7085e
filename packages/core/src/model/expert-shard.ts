/**
 * The routed experts one rank holds and the tokens each receives in a step: the count held (all
 * of them unless the options shard them), and the tokens per local expert, either listed one per
 * expert or only their mean (by default the step's tokens × top-k spread evenly over the experts).
 */
import { SupernodeError } from "../spec/index.ts";
import type { LayerOperatorOptions } from "./layer-options.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import type { ModelArchitecture } from "./types.ts";
import { nonNegative, positiveInt } from "./workload-checks.ts";

export type ExpertShard = Pick<
  ResolvedWorkload,
  "localExperts" | "expertTokens" | "meanTokensPerLocalExpert"
>;

/**
 * The rank's routed-expert shard for a step of `tokens` tokens (no experts: zeros).
 * @example expertShard(deepseekV3, { localExperts: 8 }, 64).meanTokensPerLocalExpert // 64 × 8 / 256 = 2
 */
export function expertShard(
  arch: ModelArchitecture,
  options: LayerOperatorOptions,
  tokens: number,
): ExpertShard {
  const experts = arch.moe?.numRoutedExperts ?? 0;
  const topK = arch.moe?.topK ?? 0;
  const localExperts = options.localExperts ?? experts;
  if (experts > 0) positiveInt(localExperts, "localExperts");
  const given = options.tokensPerLocalExpert;
  if (Array.isArray(given)) {
    const list = given as readonly number[];
    if (list.length !== localExperts)
      throw new SupernodeError(
        "invalid-value",
        `tokensPerLocalExpert has ${list.length} entries but this rank holds ${localExperts} experts`,
        { fieldPath: ["tokensPerLocalExpert"] },
      );
    for (const [i, n] of list.entries()) nonNegative(n, `tokensPerLocalExpert[${i}]`);
    return {
      localExperts,
      expertTokens: list,
      meanTokensPerLocalExpert: localExperts > 0 ? list.reduce((a, b) => a + b, 0) / localExperts : 0,
    };
  }
  return {
    localExperts,
    expertTokens: undefined,
    meanTokensPerLocalExpert: nonNegative(
      (given as number | undefined) ?? (experts > 0 ? (tokens * topK) / experts : 0),
      "tokensPerLocalExpert",
    ),
  };
}
