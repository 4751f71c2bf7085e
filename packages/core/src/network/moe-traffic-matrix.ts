/**
 * The all-to-all-v traffic matrix of an MoE dispatch or combine, for the flow engine (the hot spot
 * on the links), beside the analytical times of `moe-communication.ts`.
 */
import { SupernodeError } from "../spec/index.ts";
import type { MoeCommRequest, MoeDirection } from "./moe-communication.ts";

/**
 * Per-destination bytes of a dispatch (or, transposed, a combine) as an all-to-all-v matrix
 * (`[source * ranks + destination]`): every rank sends tokens × topK copies; the last rank hosts
 * the hottest experts and receives `imbalance` × the mean, the others share the rest evenly.
 * Feed it to `collectiveTime(target, { op: "all-to-all-v", matrix, ... , engine: "flow" })` to see
 * the hot spot on the links.
 * @example moeTrafficMatrix({ ranks: 4, tokensPerRank: 128, topK: 8, bytesPerToken: 7168 }, "dispatch")[1] // 1024 × 7168 / 4
 */
export function moeTrafficMatrix(
  req: Pick<MoeCommRequest, "ranks" | "tokensPerRank" | "topK" | "bytesPerToken" | "imbalance">,
  direction: MoeDirection,
): Float64Array {
  const n = req.ranks;
  const imbalance = req.imbalance ?? 1;
  if (!(imbalance >= 1 && imbalance <= n))
    throw new SupernodeError(
      "invalid-value",
      `imbalance must be between 1 and the rank count ${n} (got ${imbalance})`,
      {
        fieldPath: ["imbalance"],
      },
    );
  const all = req.tokensPerRank * req.topK * req.bytesPerToken;
  const hot = (all * imbalance) / n;
  const other = n > 1 ? (all - hot) / (n - 1) : 0;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const bytes = j === n - 1 ? hot : other;
      if (direction === "dispatch") m[i * n + j] = bytes;
      else m[j * n + i] = bytes;
    }
  return m;
}
