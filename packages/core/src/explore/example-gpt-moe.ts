/**
 * The mission's "30× real-time" comparison as a runnable example: GPT-MoE-1.8T (an assumed shape,
 * docs/models.md), 32,768-token prompts and 1,024-token answers, 50 ms token-to-token latency and
 * 5 s to the first token; GB200 NVL72 in FP4 against HGX H100 in FP8 over InfiniBand, at most 72
 * GPUs for either (NVIDIA compares per GPU at equal GPU counts). NVIDIA's figure and its
 * conditions: GB200 NVL72 product page (footnote to "30X faster real-time trillion-parameter LLM
 * inference") and the technical blog "NVIDIA GB200 NVL72 Delivers Trillion-Parameter LLM Training
 * and Real-Time Inference" (2024-03-18). The decomposition re-runs the NVL72 side with one factor
 * taken away at a time: FP4 (run in FP8), the 72-GPU NVLink domain (8-GPU NVLink domains joined by
 * the same 400 Gb/s InfiniBand per GPU as the H100 side), HBM capacity (80 GB per GPU as H100).
 */
import type { FrontierExample } from "./frontier-example.ts";
import type { SearchSpace } from "./search-space.ts";

const CHIPS = [8, 16, 32, 64, 72];

/** The per-pool space of the example (the same lists for every system; precision per series). */
export function gptMoeSpace(precision: "fp8" | "fp4"): SearchSpace {
  return {
    role: "decode",
    chipsPerInstance: CHIPS,
    attentionTp: [1, 2, 4, 8],
    denseFfnTp: ["attention"],
    moeTp: [1, 2, 4, 8, 16],
    batchPerChip: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    microbatchOverlap: [false],
    mtpDraftTokens: [0],
    pp: [1, 2, 4],
    precisions: [
      {
        id: precision,
        section: {
          weights: precision,
          activations: precision,
          kvCache: "fp8",
          attention: "bf16",
          dispatch: "fp8",
          combine: "bf16",
        },
      },
    ],
  };
}

export function gptMoeDocument(
  system: string,
  precision: "fp8" | "fp4",
  name: string,
): Record<string, unknown> {
  const group = (chips: number, extra: Record<string, unknown>) => ({
    instances: 1,
    chipsPerInstance: chips,
    attention: { tp: 8 },
    denseFfn: { tp: 8 },
    moe: { ep: chips / 8, tp: 8 },
    expertImbalance: { distribution: "uniform-random" },
    ...extra,
  });
  return {
    name,
    system,
    model: "gpt-moe-1.8t",
    precision: {
      weights: precision,
      activations: precision,
      kvCache: "fp8",
      attention: "bf16",
      dispatch: "fp8",
      combine: "bf16",
    },
    deployment: {
      prefill: group(8, { tokensPerChip: 4096, promptLength: 32768 }),
      decode: group(64, { batchPerChip: 4, kvLength: 33280 }),
    },
  };
}

/** What-if hardware of the decomposition (values without a source are this example's assumptions). */
const WHAT_IF_HARDWARE = `sources: {}
chips:
  - id: gb200-80g
    extends: gb200
    name: GB200 GPU with 80 GB of HBM (what-if)
    memory:
      capacityGB: { value: 80, note: "what-if: H100 SXM's capacity" }
systems:
  - id: gb200-nvl8-ib
    extends: gb200-nvl72
    name: GB200 in 8-GPU NVLink domains over InfiniBand (what-if)
    nodes: { value: 2, note: "what-if: two 4-GPU trays per NVLink domain, as an 8-GPU HGX box" }
  - id: gb200-nvl72-80g
    extends: gb200-nvl72
    name: GB200 NVL72 with 80 GB per GPU (what-if)
    node:
      accelerator: { chip: gb200-80g }
`;

export const GPT_MOE_NVL72_VS_H100: FrontierExample = {
  id: "gpt-moe-1.8t-nvl72-vs-h100",
  title: "GPT-MoE-1.8T: GB200 NVL72 (FP4) vs HGX H100 over InfiniBand (FP8), ≤ 72 GPUs each",
  claim: {
    ratio: 30,
    text: "30× faster real-time trillion-parameter LLM inference (GPT-MoE-1.8T, 32K in / 1K out, 50 ms token-to-token, 5 s first token; GB200 NVL72 vs HGX H100, per GPU)",
    sources: [
      {
        title: "NVIDIA GB200 NVL72 product page (footnote to the 30X claim)",
        url: "https://www.nvidia.com/en-us/data-center/gb200-nvl72/",
      },
      {
        title:
          "NVIDIA technical blog: NVIDIA GB200 NVL72 Delivers Trillion-Parameter LLM Training and Real-Time Inference",
        url: "https://developer.nvidia.com/blog/nvidia-gb200-nvl72-delivers-trillion-parameter-llm-training-and-real-time-inference/",
      },
    ],
  },
  shape: { inputTokens: 32768, outputTokens: 1024 },
  slo: { tpotS: 0.05, ttftS: 5 },
  atTokensPerSPerUser: 20,
  hardware: WHAT_IF_HARDWARE,
  target: "nvl72-fp4",
  baseline: "h100-fp8",
  series: [
    {
      id: "nvl72-fp4",
      label: "GB200 NVL72, FP4",
      document: gptMoeDocument("gb200-nvl72", "fp4", "GPT-MoE-1.8T on GB200 NVL72 (FP4)"),
      space: gptMoeSpace("fp4"),
    },
    {
      id: "h100-fp8",
      label: "HGX H100 over InfiniBand, FP8",
      document: gptMoeDocument("hgx-h100", "fp8", "GPT-MoE-1.8T on HGX H100 × 9 (FP8)"),
      space: gptMoeSpace("fp8"),
    },
  ],
  variants: [
    {
      id: "nvl72-fp8",
      factor: "FP4",
      label: "GB200 NVL72 in FP8 (no FP4)",
      document: gptMoeDocument("gb200-nvl72", "fp8", "GPT-MoE-1.8T on GB200 NVL72 (FP8)"),
      space: gptMoeSpace("fp8"),
    },
    {
      id: "nvl8-fp4",
      factor: "72-GPU NVLink domain",
      label: "GB200 in 8-GPU NVLink domains over InfiniBand, FP4",
      document: gptMoeDocument("gb200-nvl8-ib", "fp4", "GPT-MoE-1.8T on GB200, 8-GPU NVLink domains (FP4)"),
      space: gptMoeSpace("fp4"),
    },
    {
      id: "nvl72-80g-fp4",
      factor: "HBM capacity",
      label: "GB200 NVL72 with 80 GB per GPU, FP4",
      document: gptMoeDocument("gb200-nvl72-80g", "fp4", "GPT-MoE-1.8T on GB200 NVL72 with 80 GB GPUs (FP4)"),
      space: gptMoeSpace("fp4"),
    },
  ],
};
