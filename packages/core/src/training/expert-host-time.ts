/**
 * Host time of the routed experts of a dropless MoE layer in an eager training step. Megatron-Core's
 * dropless MoE copies the tokens-per-expert counts to the host in every MoE layer's forward (the
 * grouped GEMM's per-expert sizes are host arguments), so the routed experts cannot be captured in
 * a CUDA graph and the GPU, drained by that device→host sync, waits while the host launches them
 * ("Optimizing DeepSeek-V3 Training Performance on NVIDIA GB200 NVL72", Megatron-LM
 * docs/discussions, §2.3 and §3.1: attention, router and EP preprocess are graphed, "only the
 * routed experts part still has some CPU overhead", and removing the sync is future work).
 *
 * The host launches at least one GEMM per local expert and GEMM: 2 per expert in the forward
 * (gate/up, down), 4 in the backward (data and weight gradient of each). Each costs the host CPU's
 * time of one eager GEMM call (data/training/expert-host-time.yaml: x86 DGX 13.5 µs, Grace 37.1 µs).
 *
 *   forward wait  = max(0, 2 × E_local × call − GPU time of the EP dispatch and the routed-expert
 *                   GEMMs, activation and quantisation)
 *   backward wait = max(0, 4 × E_local × call − GPU time of the layer's backward and its EP transfers)
 *
 * The forward starts from the sync (Megatron's all-to-all dispatcher syncs before the dispatch), so
 * only the dispatch and the experts' own GPU work hide the launches (the weighted combine and the
 * combine all-to-all are launched after the last GEMM); the backward needs no sync (the sizes are
 * known), so the host runs ahead under the whole layer's backward. Launches other than the expert GEMMs (quantisation, permutation, allocations) are not
 * counted: a floor, not a measurement of Megatron's expert path.
 */
import { z } from "zod";
import { parseBuiltinData } from "../catalog/index.ts";
import { inlineSourcedValueSchema } from "../spec/index.ts";
import type { ComputeTimes } from "./stage-compute.ts";
import type { TrainingScenario } from "./training-scenario.ts";

const fileSchema = z.strictObject({
  perGemmCallS: z
    .record(z.string(), inlineSourcedValueSchema(z.number().positive()))
    .refine((r) => r.default !== undefined, { message: "perGemmCallS needs a `default` entry" }),
});
export type ExpertHostTimeData = z.output<typeof fileSchema>;

let cached: ExpertHostTimeData | undefined;

/** The built-in per-call host times with their sources (parsed once). */
export function expertHostTimeData(): ExpertHostTimeData {
  cached ??= parseBuiltinData("training/expert-host-time.yaml", fileSchema);
  return cached;
}

/**
 * Host seconds of one eager GEMM call on the scenario's host CPU.
 * @example hostGemmCallS(gb200Scenario) // 3.708e-5 (Grace)
 */
export function hostGemmCallS(s: TrainingScenario): number {
  const table = expertHostTimeData().perGemmCallS;
  const cpu = s.system.node.cpu?.chip.id;
  const entry = (cpu !== undefined ? table[cpu] : undefined) ?? table.default;
  return entry?.value ?? 0;
}

/** GEMMs the host launches per local expert in each direction. */
export const EXPERT_GEMMS = { forward: 2, backward: 4 } as const;

/**
 * What the GPU waits for the host in one MoE layer of one micro-batch.
 * @example expertHostWait(16, 13.48e-6, 2e-4, 1.2e-3) // { forwardS: ≈2.3e-4, backwardS: 0 }
 */
export function expertHostWait(
  localExperts: number,
  callS: number,
  expertForwardGpuS: number,
  layerBackwardGpuS: number,
): { readonly forwardS: number; readonly backwardS: number } {
  return {
    forwardS: Math.max(0, EXPERT_GEMMS.forward * localExperts * callS - expertForwardGpuS),
    backwardS: Math.max(0, EXPERT_GEMMS.backward * localExperts * callS - layerBackwardGpuS),
  };
}

/**
 * A MoE layer's times with the GPU's wait for the host's expert launches added to forward and backward.
 * @example withExpertHostWait(moeLayerTimes, 16, 13.48e-6, { dispatchS: 6e-5, combineS: 1.3e-4 }).hostWaitS
 */
export function withExpertHostWait(
  t: ComputeTimes & { readonly expertForwardS: number },
  localExperts: number,
  callS: number,
  ep: { readonly dispatchS: number; readonly combineS: number },
): ComputeTimes {
  const { expertForwardS: _, ...times } = t;
  // Forward: the dispatch runs after the sync too; backward: the layer and its EP transfers.
  const wait = expertHostWait(
    localExperts,
    callS,
    t.expertForwardS + ep.dispatchS,
    t.backwardDataS + t.backwardWeightS + 2 * ep.combineS,
  );
  return {
    ...times,
    forwardS: t.forwardS + wait.forwardS,
    backwardDataS: t.backwardDataS + wait.backwardS,
    hostWaitS: wait.forwardS + wait.backwardS,
  };
}
