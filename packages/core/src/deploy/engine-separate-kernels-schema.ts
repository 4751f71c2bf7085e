/**
 * The `separateKernels` section of a serving-engine release (data/engines/<name>.yaml): the small
 * kernels the engine runs on their own and those it fuses into others, with the chains of the MoE
 * backends a scenario can name (resolved for a scenario by deploy/separate-kernels.ts).
 */
import { z } from "zod";
import { EVIDENCE_TAGS, quantSchemeSchema, scenarioDtypeSchema, sourceKeysSchema } from "../spec/index.ts";

const tag = z.enum(EVIDENCE_TAGS);

/**
 * A MoE op's own prologue (TensorRT-LLM's MoE backends): the routed rows sorted by expert (one kernel
 * while the tokens fit one thread block or cluster, else `unfusedKernels`) and the input rows
 * expanded into the grouped GEMM's per-expert layout, in every phase; the expert path then quantises
 * inside the op (activation with the second GEMM's input quantisation).
 */
const moePrologueFields = z.strictObject({
  /** 0: the sort never runs as one kernel (always `unfusedKernels`). */
  fusedMaxTokens: z.number().int().nonnegative(),
  unfusedKernels: z.number().int().positive(),
  /**
   * The one-kernel sort also needs fewer routed (token, expert) pairs than this and at most
   * `fusedMaxExperts` routed experts in the model (vLLM's small-batch `moe_align_block_size` kernel).
   */
  fusedMaxPairs: z.number().int().positive().optional(),
  fusedMaxExperts: z.number().int().positive().optional(),
  /** At EP > 1, kernels that map the sorted blocks' global expert ids to the rank's (vLLM's `expert_map` index). */
  expertMapKernels: z.number().int().positive().optional(),
  /**
   * The prologue runs only for routed experts whose GEMMs compute in one of these formats with weights
   * of the same width (not weight-only): the backend's chain for other formats is not this one.
   */
  expertWeights: z.array(scenarioDtypeSchema).min(1).optional(),
  /** Kernels that fill the grouped GEMMs' per-expert arguments before the first of them. */
  gemmSetupKernels: z.number().int().nonnegative().optional(),
  /** false: the first grouped GEMM gathers its rows itself (no expansion kernel, no copy). */
  expandKernel: z.boolean().optional(),
  /** The rank's own MoE input quantised in a kernel of its own before an 8-/4-bit all-gather or all-to-all. */
  quantizeBeforeComm: z.boolean().optional(),
  /** true: the routing kernel writes the expanded rows itself (the expansion's bytes, no launch of its own). */
  expandInRouting: z.boolean().optional(),
  /**
   * true: the expert path quantises both 8-bit grouped GEMMs' inputs in kernels of their own — the
   * expanded rows before the first (unless the dispatch delivered them quantised) and the
   * activation's output before the second — instead of inside the op.
   */
  expertInputQuant: z.boolean().optional(),
  /**
   * true (with `expertInputQuant`): the first grouped GEMM's input is quantised by the expert path
   * whatever format the rows travelled in (vLLM's `fused_experts` quantises the BF16 hidden states it
   * holds), and even where the engine's dense `activationQuant` is `denseOnly` (that flag describes its
   * default MoE chain, which quantises inside the op).
   */
  quantizesOwnInput: z.boolean().optional(),
  /**
   * The expert path lays the routed pairs out in a buffer of round_up(pairs + local experts × (A − 1), A)
   * rows (vLLM's DeepGEMM `compute_aligned_M`, A = this value) and runs the activation and the second
   * grouped GEMM's input quantisation over every row of it, the padding included.
   */
  bufferAlignRows: z.number().int().positive().optional(),
  /**
   * true: with attention DP and the all-gather, the model gathers the BF16 hidden states before its
   * gate, so the gate GEMM and the top-k run over every EP rank's tokens (not the rank's own).
   */
  gateOnGatheredTokens: z.boolean().optional(),
  /**
   * true: the prologue and the expert path's own input quantisations run only where the MoE has no
   * expert parallelism (EP 1, the op routes the tokens it holds); at EP > 1 the dispatch delivers the
   * rows laid out per expert and quantised, so none of them runs.
   */
  onlyWithoutExpertParallel: z.boolean().optional(),
  /** At EP > 1, kernels that cut the routing of all experts to the rank's own experts. */
  epRoutingKernels: z.number().int().positive().optional(),
  /** The op's input copied by a kernel of its own into a width padded to a multiple of this many columns, where the hidden size is not one. */
  inputPadColumns: z.number().int().positive().optional(),
  /**
   * Kernels that re-lay the NVFP4 scale factors after an attention-DP all-gather (each rank's were
   * swizzled for its own rows: unswizzled, joined and swizzled again for all of them).
   */
  scaleReswizzleKernels: z.number().int().positive().optional(),
  /**
   * true: with FP8 block-scale experts the grouped GEMMs are DeepGEMM's GroupedWithOffset kernels
   * (TensorRT-LLM's CutlassFp8BlockScaleGemmRunner on Hopper), whose scheduler walks every local
   * expert's row offsets in turn, empty experts included.
   */
  blockScaleGroupWalk: z.boolean().optional(),
  /**
   * With NVFP4 expert activations: the expansion and activation kernels each zero the scale factors
   * of the rows that pad every local expert to `rowsPerExpert` — a grid-stride loop over rowsPerExpert ×
   * local experts items (the padding any expert might need; an expert's tokens are not known when the
   * grid is sized) on at most `blocksPerCore` blocks per SM.
   */
  scalePadding: z
    .strictObject({
      rowsPerExpert: z.number().int().positive(),
      blocksPerCore: z.number().int().positive(),
    })
    .optional(),
});

/** The prologue's fields, with `quantizesOwnInput` refused unless the expert path quantises its inputs. */
export const moePrologueSchema = moePrologueFields.refine(
  (p) => p.quantizesOwnInput !== true || p.expertInputQuant === true,
  {
    path: ["quantizesOwnInput"],
    message: "true needs expertInputQuant: true (the expert path's own input quantisation it qualifies)",
  },
);

/**
 * Operators of the layer whose work the engine does inside another kernel, so they launch nothing of
 * their own (their bytes stay in the step): `when: attention-tp` where attention is tensor-parallel
 * without attention DP (an all-reduce precedes them), `always` everywhere; optionally only up to
 * `maxTokens` tokens routed per rank, only for the routed experts' weight formats `expertWeights`,
 * only with a KV cache in `kvCache`, only where the attention output projection's weights use a
 * scheme of `attentionOutputSchemes` and only for models whose attention is of a kind in `attentionKinds`.
 * `into` names the kernel that does the work (documentation). Names are matched exactly (an `mtpN.`
 * prefix aside) and a name no layer has fuses nothing, so every name must be an operator of one of
 * the engine's reference scenarios (perf/engine-fused-kernels.test.ts).
 */
const fusedKernelsSchema = z.strictObject({
  operators: z.array(z.string().regex(/^[a-z_]+\.[a-z_.]+$/)).min(1),
  when: z.enum(["always", "attention-tp"]),
  maxTokens: z.number().int().positive().optional(),
  /** Only in steps of this phase (e.g. a fused decode prologue the prefill path does not take). */
  phase: z.enum(["decode", "prefill"]).optional(),
  /** Only while the rank's own (attention) tokens of the microbatch are at most this many. */
  maxRankTokens: z.number().int().positive().optional(),
  expertWeights: z.array(scenarioDtypeSchema).min(1).optional(),
  /** Only when the scenario's KV cache is in one of these formats. */
  kvCache: z.array(scenarioDtypeSchema).min(1).optional(),
  /** Only when the attention output projection's (o_proj's) weights use one of these schemes. */
  attentionOutputSchemes: z.array(quantSchemeSchema).min(1).optional(),
  /** Only for models whose attention is of these kinds (`mla`: DeepSeek's latent attention; `gqa`: the rest). */
  attentionKinds: z
    .array(z.enum(["gqa", "mla"]))
    .min(1)
    .optional(),
  into: z.string(),
  source: sourceKeysSchema,
  tag,
  note: z.string().optional(),
});

/**
 * Small kernels the engine runs on their own, outside the GEMMs and MoE transfers (on the chips of
 * `chipVendors`): a per-token-group activation quantisation before each 8-bit GEMM whose input is
 * produced at higher precision, and with MoE normal (throughput) kernels the permutation of received
 * tokens into the grouped GEMM's contiguous layout and the weighted gather back.
 */
export const separateKernelsSchema = z.strictObject({
  chipVendors: z.array(z.string()).min(1),
  activationQuant: z
    .strictObject({
      groupSize: z.number().int().positive(),
      scaleBytes: z.number().positive(),
      /** GEMMs the engine runs on its BF16 input (e.g. MLA's absorbed BMMs): no quantisation kernel. */
      skip: z
        .array(z.string().regex(/^[a-z_]+\.[a-z_.]+$/))
        .min(1)
        .optional(),
      /** Only dense GEMMs whose weights are in these schemes (e.g. block-128x128) get the kernel. */
      schemes: z.array(quantSchemeSchema).min(1).optional(),
      /** true: the MoE op quantises inside its own time (no dispatch or expert quantisation kernels). */
      denseOnly: z.boolean().optional(),
    })
    .optional(),
  expertPermute: z.boolean().optional(),
  moePrologue: moePrologueSchema.optional(),
  mlaKeyConcat: z.boolean().optional(),
  /** Kernels the key assembly takes (absent: 2, two slice copies; a torch.cat is 1). */
  mlaKeyConcatKernels: z.number().int().positive().optional(),
  /** MLA prefill (naive form): the attention output copied into the layer's output buffer. */
  mlaOutputCopy: z.boolean().optional(),
  /**
   * true: a model with shared experts adds the shared expert's output to the routed experts' output
   * in one elementwise kernel of its own after the MoE (`moe.shared_add`, the rank's own tokens).
   */
  sharedExpertAdd: z.boolean().optional(),
  fusedKernels: z.array(fusedKernelsSchema).optional(),
  /**
   * Weight-only GEMMs (weights narrower than the math, e.g. INT4 weights with BF16 math) run
   * through a dequantising workspace: inside the GEMM's launch the vector cores convert the
   * weights they read to the math format in global memory, and the matrix unit reads that copy
   * (CANN's GroupedMatmul antiquant path on Ascend).
   */
  antiquantWorkspace: z.boolean().optional(),
  /**
   * Layer operators the engine runs twice on the same input (e.g. vLLM-Ascend's DSA indexer
   * projection, called by both halves of its indexer): each runs again, with its launch and bytes,
   * right after itself. Names as in `fusedKernels`.
   */
  repeatedOperators: z
    .array(z.string().regex(/^[a-z_]+\.[a-z_.]+$/))
    .min(1)
    .optional(),
  /**
   * What a MoE backend the scenario names (`engine.moeBackend`) runs instead of the default
   * backend's chain: its own prologue (replacing `moePrologue`) and more operators fused.
   */
  moeBackends: z
    .record(
      z.string().min(1),
      z.strictObject({
        moePrologue: moePrologueSchema,
        fusedKernels: z.array(fusedKernelsSchema).optional(),
        source: sourceKeysSchema,
        tag,
        note: z.string().optional(),
      }),
    )
    .optional(),
  source: z.string(),
  tag,
  note: z.string().optional(),
});

/**
 * A release's `separateKernels`: one chain, or one per group of chip vendors (each vendor in at most
 * one entry), e.g. an engine's CUDA kernels and its NPU backend's.
 */
export const separateKernelsListSchema = z
  .union([separateKernelsSchema, z.array(separateKernelsSchema).min(1)])
  .superRefine((value, ctx) => {
    if (!Array.isArray(value)) return;
    const seen = new Map<string, number>();
    value.forEach((entry, i) => {
      for (const vendor of entry.chipVendors) {
        const first = seen.get(vendor);
        if (first !== undefined)
          ctx.addIssue({
            code: "custom",
            path: [i, "chipVendors"],
            message: `chip vendor ${vendor} is already in entry ${first}: each vendor may have one separateKernels entry`,
          });
        else seen.set(vendor, i);
      }
    });
  });
