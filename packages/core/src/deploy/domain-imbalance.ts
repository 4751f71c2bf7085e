/**
 * Expert-load imbalance as a scale-up domain's network interfaces see it. Kernels that deduplicate
 * per destination domain (DeepEP's normal kernels across nodes: one RDMA copy of a token per
 * destination node, to the rank of the same local index, which forwards it over NVLink to the
 * ranks holding its experts; protocols.yaml `normalModeDeduplication: node`) spread a domain's
 * incoming tokens over all of its NICs by the senders' local index, whichever rank hosts the hot
 * expert. A NIC therefore receives its domain's share of the tokens, not its own rank's: the
 * hottest rank's expert load (×2.76 for Kimi K2's EP32 with no copies) is carried by the NVLink
 * fan-out and the expert GEMMs, the RDMA leg by the hottest domain's.
 *
 * A token sends one copy to a domain if any of its top-k experts lives there. With q the domain's
 * share of the routed copies and the k picks taken as independent draws, the domain receives a
 * fraction 1 − (1 − q)^k of the tokens; under uniform routing over D domains, 1 − (1 − 1/D)^k.
 * The ratio of the two scales the model's uniform-routing RDMA bytes (network/moe-routing.ts
 * counts the uniform case exactly; the independent-draw form is used for both sides of the ratio).
 */

/**
 * Sums of consecutive blocks of `rankLoads` (in rank order) over `domains` equal domains.
 * @example domainLoads([3, 1, 1, 1], 2) // [4, 2]
 */
export function domainLoads(rankLoads: readonly number[], domains: number): number[] | undefined {
  const n = rankLoads.length;
  if (!Number.isInteger(domains) || domains < 1 || n % domains !== 0) return undefined;
  const per = n / domains;
  const sums = new Array<number>(domains).fill(0);
  for (let i = 0; i < n; i++) {
    const d = Math.floor(i / per);
    sums[d] = (sums[d] ?? 0) + (rankLoads[i] ?? 0);
  }
  return sums;
}

/**
 * Tokens the hottest domain receives ÷ the same under uniform routing (≥ 1), from its share `q` of
 * the routed copies, `domains` domains and `topK` experts per token.
 * @example railImbalance(0.25, 4, 8) === 1
 * @example railImbalance(0.2925, 4, 8) // ≈ 1.041
 */
export function railImbalance(q: number, domains: number, topK: number): number {
  if (!(domains > 1) || !(topK >= 1)) return 1;
  const share = Math.min(1, Math.max(1 / domains, q));
  const hot = 1 - (1 - share) ** topK;
  const uniform = 1 - (1 - 1 / domains) ** topK;
  return Math.max(1, hot / uniform);
}
