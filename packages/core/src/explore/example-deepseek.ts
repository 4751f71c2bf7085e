/**
 * DeepSeek-R1 on CloudMatrix384, GB200 NVL72 and HGX H800 under TPOT ≤ 50 ms (20 tokens/s per
 * user): per chip, per system and per kW, each system searched in both serving modes with its
 * own formats — INT8 on the 910C (CloudMatrix-Infer's W8A8; the 910C has no FP8), FP8 or FP4 on
 * GB200, FP8 on H800 (DeepSeek's own) — and the same workload for all: 3,072-token prompts,
 * 2,048-token answers (mean KV length 4,096, CloudMatrix-Infer's decode operating point), TTFT
 * ≤ 5 s, MTP with one draft token at 70 % acceptance (CloudMatrix-Infer §5.1), two-microbatch
 * overlap, expert routing uniform-random after EPLB. The comparison is the step model's, which
 * overpredicts CloudMatrix-Infer's published decode figure (cm384-106) and has larger errors on
 * some NVIDIA cases (`supernode validate`).
 */
import type { FrontierExample } from "./frontier-example.ts";
import type { SearchSpace } from "./search-space.ts";

type Dtype = "int8" | "fp8" | "fp4";

function precision(dtype: Dtype): Record<string, unknown> {
  return {
    weights: dtype,
    activations: dtype,
    kvCache: "bf16",
    attention: "bf16",
    dispatch: dtype === "fp4" ? "fp8" : dtype,
    combine: "bf16",
  };
}

function space(chips: number[], precisions: Dtype[]): SearchSpace {
  return {
    role: "decode",
    chipsPerInstance: chips,
    attentionTp: [1, 2, 4],
    denseFfnTp: ["attention"],
    moeTp: [1],
    batchPerChip: [16, 32, 64, 96, 128, 192, 256],
    microbatchOverlap: [true],
    mtpDraftTokens: [1],
    mtpAcceptanceRate: 0.7,
    precisions: precisions.map((id) => ({ id, section: precision(id) })),
  };
}

function document(system: string, dtype: Dtype, chips: number, name: string): Record<string, unknown> {
  const group = (n: number, extra: Record<string, unknown>) => {
    const ep = n * (system === "cloudmatrix384" ? 2 : 1);
    // redundant experts pad the 256 routed experts to a multiple of EP (as the search does)
    return {
      instances: 1,
      chipsPerInstance: n,
      attention: { tp: 1 },
      denseFfn: { tp: 1 },
      moe: { ep, redundantExperts: Math.ceil(256 / ep) * ep - 256 },
      expertImbalance: { distribution: "uniform-random" },
      microbatchOverlap: true,
      ...extra,
    };
  };
  return {
    name,
    system,
    model: "deepseek-r1",
    precision: precision(dtype),
    deployment: {
      prefill: group(16, { tokensPerChip: 16384, promptLength: 3072 }),
      decode: group(chips, {
        mtp: { draftTokens: 1, acceptanceRate: 0.7 },
        batchPerChip: 64,
        kvLength: 4096,
      }),
    },
  };
}

export const DEEPSEEK_CM384_NVL72_H800: FrontierExample = {
  id: "deepseek-r1-cm384-vs-nvl72-vs-h800",
  title: "DeepSeek-R1 under TPOT ≤ 50 ms: CloudMatrix384 (INT8) vs GB200 NVL72 (FP8/FP4) vs HGX H800 (FP8)",
  claim: {
    text: "CloudMatrix-Infer: 1,943 decode tokens/s per NPU at TPOT < 50 ms (arXiv:2506.12708v2 Table 4); compared here per chip, per system and per kW on one workload",
    sources: [
      {
        title: "Serving Large Language Models on Huawei CloudMatrix384 (arXiv:2506.12708v2)",
        url: "https://arxiv.org/abs/2506.12708v2",
      },
    ],
  },
  shape: { inputTokens: 3072, outputTokens: 2048 },
  slo: { tpotS: 0.05, ttftS: 5 },
  atTokensPerSPerUser: 20,
  target: "cm384-int8",
  baseline: "nvl72",
  series: [
    {
      id: "cm384-int8",
      label: "CloudMatrix384, INT8",
      document: document("cloudmatrix384", "int8", 160, "DeepSeek-R1 on CloudMatrix384 (INT8)"),
      space: space([32, 64, 128, 160], ["int8"]),
    },
    {
      id: "nvl72",
      label: "GB200 NVL72, FP8 or FP4",
      document: document("gb200-nvl72", "fp8", 72, "DeepSeek-R1 on GB200 NVL72"),
      space: space([16, 32, 64, 72], ["fp8", "fp4"]),
    },
    {
      id: "h800",
      label: "HGX H800 over InfiniBand, FP8",
      document: document("hgx-h800", "fp8", 32, "DeepSeek-R1 on HGX H800"),
      space: space([16, 32, 64, 128], ["fp8"]),
    },
  ],
  variants: [],
};
