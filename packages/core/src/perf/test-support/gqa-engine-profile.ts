/** A chip's efficiency profile under an engine's overlays for a GQA model, for the decode-attention term tests. */
import type { EfficiencyProfile } from "../efficiency-profile.ts";
import { efficiencyProfile } from "../efficiency-profile.ts";
import { withEngineOverlays } from "../engine-overlay.ts";

/** @example gqaEngineProfile("h100-sxm", "trtllm").engineOverlays // includes "trtllm-xqa-gqa-sm90" */
export const gqaEngineProfile = (chip: string, engine: "trtllm" | "sglang"): EfficiencyProfile =>
  withEngineOverlays(efficiencyProfile(chip), { engine, modelAttention: "gqa" });
