/**
 * The `fusedSharedExpert` section of a serving-engine release (data/engines/<name>.yaml): the
 * engine folds a model's shared expert into its routed fused-MoE kernel as one more expert that
 * every token picks (SGLang's shared-experts fusion), instead of running it as a dense MLP of its
 * own. Resolved per chip, model and expert parallelism by `fusesSharedExpert`.
 */
import { z } from "zod";
import type { ModelArchitecture } from "../model/index.ts";
import { EVIDENCE_TAGS } from "../spec/index.ts";
import { type ChipIdentity, listsChip } from "./chip-identity.ts";

/**
 * Which models and devices the fusion applies to: models of `modelFamily` with `routedExperts`
 * routed and `sharedExperts` shared experts, with dense attention unless `sparseAttention`, on
 * `chipVendors`' devices except `exceptChips` (a chip extending a listed one is that chip), only
 * without expert parallelism. `disabledByMoeBackends`: the MoE backends (a scenario's
 * `engine.moeBackend`) that turn it off.
 */
export const fusedSharedExpertSchema = z.strictObject({
  modelFamily: z.string(),
  routedExperts: z.number().int().positive(),
  sharedExperts: z.number().int().positive(),
  sparseAttention: z.boolean(),
  chipVendors: z.array(z.string()).min(1),
  exceptChips: z.array(z.string()).optional(),
  disabledByMoeBackends: z.array(z.string()).optional(),
  source: z.string(),
  tag: z.enum(EVIDENCE_TAGS),
  note: z.string().optional(),
});
export type FusedSharedExpertRule = z.infer<typeof fusedSharedExpertSchema>;

/** Where a step's MoE runs: the chip, the model, the expert parallelism and the scenario's MoE backend. */
export interface FusedSharedExpertWhere {
  readonly chip: ChipIdentity & { readonly vendor: string };
  readonly model: ModelArchitecture;
  readonly ep: number;
  readonly moeBackend?: string;
}

/**
 * Whether the rule fuses the model's shared expert into the routed experts' kernel there.
 * @example fusesSharedExpert(rule, { chip: h200, model: deepseekR1, ep: 1 }) // true (SGLang)
 */
export function fusesSharedExpert(
  rule: FusedSharedExpertRule | undefined,
  where: FusedSharedExpertWhere,
): boolean {
  if (rule === undefined) return false;
  const { chip, model, ep, moeBackend } = where;
  const moe = model.moe;
  if (moe === undefined || ep !== 1) return false;
  if (moe.numRoutedExperts !== rule.routedExperts || moe.numSharedExperts !== rule.sharedExperts)
    return false;
  if (model.family !== rule.modelFamily) return false;
  const sparse = model.attention.kind === "mla" && model.attention.sparse !== undefined;
  if (sparse !== rule.sparseAttention) return false;
  if (!rule.chipVendors.includes(chip.vendor)) return false;
  if (rule.exceptChips !== undefined && listsChip(rule.exceptChips, chip)) return false;
  return !(moeBackend !== undefined && (rule.disabledByMoeBackends ?? []).includes(moeBackend));
}
