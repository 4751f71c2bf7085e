/**
 * NVIDIA Nemotron-H (`nemotron_h`: Nemotron 3 Nano / Super / Ultra; transformers
 * `NemotronHConfig`, vLLM / SGLang / TensorRT-LLM `nemotron_h.py`): a stack of single-mixer blocks,
 * each one RMSNorm and one mixer, listed by `hybrid_override_pattern` (`M` Mamba-2, `*` attention,
 * `E` MoE, `-` dense MLP) or `layers_block_type` (`mamba`, `attention`, `moe`, `mlp`; newer
 * configs, where `num_hidden_layers` may be null):
 *
 * - Mamba-2 blocks: `mamba_num_heads` heads of `mamba_head_dim`, `n_groups` groups of
 *   `ssm_state_size`, a `conv_kernel` convolution, SSD chunks of `chunk_size` (mamba2.ts);
 * - attention blocks: GQA without RoPE scaling or biases (`attention_bias`);
 * - MoE blocks: `n_routed_experts` squared-ReLU experts (`mlp_hidden_act: relu2`: up and down
 *   only) `moe_intermediate_size` wide, top-`num_experts_per_tok` by a sigmoid router with a
 *   correction bias, one shared expert `moe_shared_expert_intermediate_size` wide, and in latent
 *   MoE (`moe_latent_size`, Nemotron 3 Super) the experts at the latent width between
 *   `fc1_latent_proj` and `fc2_latent_proj`;
 * - `num_nextn_predict_layers` MTP modules whose blocks are `mtp_hybrid_override_pattern` (`*E`:
 *   attention then MoE, the only pattern read).
 */
import { z } from "zod";
import { type SourceDocument, SupernodeError, validateDocument } from "../spec/index.ts";
import { fieldLocation } from "./hf-config-attention.ts";
import { common, count, MAX_EXPERTS, MAX_MTP_MODULES, MAX_TOP_K } from "./hf-config-schemas.ts";
import { SSD_CHUNK } from "./mamba2.ts";
import { HYBRID_BLOCKS, type HybridBlock, type LinearAttentionSpec, type MoeSpec } from "./types.ts";

const BLOCK_OF_CHAR: Readonly<Record<string, HybridBlock>> = {
  M: "mamba",
  "*": "attention",
  E: "moe",
  "-": "mlp",
};

export const nemotronHSchema = z.looseObject({
  ...common,
  num_hidden_layers: count("num_hidden_layers: blocks").nullish(),
  intermediate_size: count("intermediate_size: dense MLP width").nullish(),
  hybrid_override_pattern: z
    .string()
    .regex(/^[M*E-]+$/, {
      error: "expected a string of M (Mamba-2), * (attention), E (MoE) and - (MLP) blocks",
    })
    .nullish(),
  layers_block_type: z.array(z.enum(HYBRID_BLOCKS)).nullish(),
  mamba_num_heads: count("mamba_num_heads: Mamba-2 heads"),
  mamba_head_dim: count("mamba_head_dim: Mamba-2 head dim"),
  ssm_state_size: count("ssm_state_size: Mamba-2 state per head dim"),
  n_groups: count("n_groups: Mamba-2 B/C groups").default(1),
  conv_kernel: count("conv_kernel", 1, 64).default(4),
  chunk_size: count("chunk_size: SSD chunk").default(SSD_CHUNK),
  mlp_hidden_act: z
    .literal("relu2", { error: "expected relu2 (the only FFN activation of nemotron_h read)" })
    .default("relu2"),
  n_routed_experts: count("n_routed_experts: routed experts", 1, MAX_EXPERTS).nullish(),
  num_experts_per_tok: count("num_experts_per_tok: top-k", 1, MAX_TOP_K).nullish(),
  moe_intermediate_size: count("moe_intermediate_size: routed expert width").nullish(),
  moe_shared_expert_intermediate_size: count("moe_shared_expert_intermediate_size").nullish(),
  n_shared_experts: count("n_shared_experts", 0, MAX_EXPERTS).nullish(),
  moe_latent_size: count("moe_latent_size: latent width of the routed experts").nullish(),
  n_group: count("n_group").nullish(),
  topk_group: count("topk_group").nullish(),
  num_nextn_predict_layers: count("num_nextn_predict_layers: MTP modules", 0, MAX_MTP_MODULES).nullish(),
  mtp_hybrid_override_pattern: z.string().nullish(),
  mtp_layers_block_type: z.array(z.string()).nullish(),
});

type NemotronHConfig = z.output<typeof nemotronHSchema>;

/** What hf-config.ts needs beyond the GQA keys: the blocks, their Mamba-2 and MoE shapes, MTP depth. */
export interface NemotronHRead {
  /** The config with `num_hidden_layers` (blocks) and `intermediate_size` filled in. */
  readonly c: NemotronHConfig & { num_hidden_layers: number; intermediate_size: number };
  readonly blocks: readonly HybridBlock[];
  readonly linear: LinearAttentionSpec;
  readonly moe?: MoeSpec;
  readonly mtpModules: number;
}

function fail(doc: SourceDocument, field: string, message: string): never {
  throw new SupernodeError("invalid-value", message, fieldLocation(doc, field));
}

function blocksOf(doc: SourceDocument, c: NemotronHConfig): readonly HybridBlock[] {
  const pattern = c.hybrid_override_pattern;
  const listed = c.layers_block_type;
  const blocks =
    listed ?? (pattern == null ? undefined : [...pattern].map((ch) => BLOCK_OF_CHAR[ch] as HybridBlock));
  if (blocks === undefined || blocks.length === 0)
    throw new SupernodeError(
      "schema",
      "required field is missing: expected hybrid_override_pattern (a string of M, *, E, -) or layers_block_type (one block kind per layer)",
      fieldLocation(doc, "hybrid_override_pattern"),
    );
  const field = listed != null ? "layers_block_type" : "hybrid_override_pattern";
  if (c.num_hidden_layers != null && c.num_hidden_layers !== blocks.length)
    fail(
      doc,
      field,
      `${field} lists ${blocks.length} blocks but num_hidden_layers is ${c.num_hidden_layers}; expected one per layer`,
    );
  return blocks;
}

function moeOf(doc: SourceDocument, c: NemotronHConfig): MoeSpec {
  const need = (field: keyof NemotronHConfig) => {
    const v = c[field];
    if (typeof v !== "number")
      throw new SupernodeError(
        "schema",
        `required field is missing: the pattern has MoE blocks (E), which need ${field}`,
        fieldLocation(doc, field),
      );
    return v;
  };
  const experts = need("n_routed_experts");
  const topK = need("num_experts_per_tok");
  if (topK > experts)
    fail(doc, "num_experts_per_tok", `num_experts_per_tok ${topK} exceeds n_routed_experts ${experts}`);
  const shared = c.n_shared_experts ?? 1;
  return {
    numRoutedExperts: experts,
    numSharedExperts: shared,
    topK,
    expertIntermediateSize: need("moe_intermediate_size"),
    sharedExpertIntermediateSize:
      shared > 0 ? need("moe_shared_expert_intermediate_size") : need("moe_intermediate_size"),
    firstKDenseLayers: 0,
    layerFrequency: 1,
    numExpertGroups: c.n_group ?? 1,
    topKGroups: c.topk_group ?? 1,
    // The router's e_score_correction_bias (DeepSeek-V3's aux-loss-free balancing).
    routerBias: true,
    ...(c.moe_latent_size != null ? { latentSize: c.moe_latent_size } : {}),
  };
}

function mtpModulesOf(doc: SourceDocument, c: NemotronHConfig): number {
  const modules = c.num_nextn_predict_layers ?? 0;
  if (modules === 0) return 0;
  const listed = c.mtp_layers_block_type;
  const pattern = listed != null ? listed.join(",") : (c.mtp_hybrid_override_pattern ?? "*E");
  if (pattern !== "*E" && pattern !== "attention,moe")
    fail(
      doc,
      listed != null ? "mtp_layers_block_type" : "mtp_hybrid_override_pattern",
      `MTP blocks "${pattern}" are not read: expected *E (an attention block, then a MoE block)`,
    );
  return modules;
}

/**
 * Reads and checks a `nemotron_h` config.
 * @example readNemotronH(doc, validateDocument(doc, nemotronHSchema)).blocks.length // 52 (Nemotron 3 Nano)
 */
export function readNemotronH(doc: SourceDocument): NemotronHRead {
  const c = validateDocument(doc, nemotronHSchema);
  const blocks = blocksOf(doc, c);
  if (c.mamba_num_heads % c.n_groups !== 0)
    fail(
      doc,
      "n_groups",
      `mamba_num_heads ${c.mamba_num_heads} must be a multiple of n_groups ${c.n_groups}`,
    );
  const hasMoe = blocks.includes("moe");
  const moe = hasMoe ? moeOf(doc, c) : undefined;
  if (blocks.includes("mlp") && c.intermediate_size == null)
    throw new SupernodeError(
      "schema",
      "required field is missing: the pattern has MLP blocks (-), which need intermediate_size",
      fieldLocation(doc, "intermediate_size"),
    );
  const linear: LinearAttentionSpec = {
    kind: "mamba2",
    chunkSize: c.chunk_size,
    layers: blocks.flatMap((b, i) => (b === "mamba" ? [i] : [])),
    numKeyHeads: c.n_groups,
    numValueHeads: c.mamba_num_heads,
    keyHeadDim: c.ssm_state_size,
    valueHeadDim: c.mamba_head_dim,
    convKernel: c.conv_kernel,
  };
  // Without MLP blocks the dense width is never used; the routed width stands in for it.
  const intermediate = c.intermediate_size ?? moe?.expertIntermediateSize ?? c.hidden_size;
  return {
    c: { ...c, num_hidden_layers: blocks.length, intermediate_size: intermediate },
    blocks,
    linear,
    ...(moe !== undefined ? { moe } : {}),
    mtpModules: hasMoe ? mtpModulesOf(doc, c) : 0,
  };
}
