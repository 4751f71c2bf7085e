/**
 * Efficiency profiles of the H800 family for tests of the Hopper engine overlays: H800 reads its own
 * file, H100 / H200 / H20 extend it (`efficiencyProfileForChip`).
 */
import {
  type EfficiencyProfile,
  efficiencyProfile,
  efficiencyProfileForChip,
} from "../efficiency-profile.ts";
import { withEngineOverlays } from "../engine-overlay.ts";

/** A chip's profile as the catalog resolves it (inherited where its file extends another). */
export const inheritedProfile = (id: string): EfficiencyProfile =>
  efficiencyProfileForChip({ id, origin: {} });

/**
 * An H800-family chip's profile (`base`) and the same under vLLM's MoE overlays for routed experts in
 * `expertWeights` on an MLA model (`profile`).
 * @example vllmHopperMoeProfiles("h200-sxm", "int4").profile.engineOverlays // ["vllm-marlin-moe-int4-sm90"]
 */
export function vllmHopperMoeProfiles(
  chip: string,
  expertWeights: string,
): { base: EfficiencyProfile; profile: EfficiencyProfile } {
  const base = chip === "h800-sxm" ? efficiencyProfile(chip) : inheritedProfile(chip);
  return {
    base,
    profile: withEngineOverlays(base, { engine: "vllm", modelAttention: "mla-dense", expertWeights }),
  };
}
