/**
 * FFN operators of one layer on one rank: the post-attention norm, then either the dense SwiGLU FFN
 * (split over `ffnTp`) or the MoE block: router (a `vector` op: scores, top-k), routed experts as
 * grouped GEMMs over this rank's local experts, shared experts as dense GEMMs, and the weighted
 * combine of the top-k outputs.
 *
 * Routed-expert weights are read only for experts that receive tokens: exactly when
 * `tokensPerLocalExpert` is an array; otherwise the expected number under random routing,
 * localExperts × (1 − e^(−mean)) (Poisson), which matters for small decode batches.
 */

import { sharedExpertsFused, withFusedExperts } from "./fused-shared-expert.ts";
import type { LayerKind } from "./layer-kinds.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import {
  bytesOfHighPrecision,
  gemmOp,
  rmsNormOp,
  VECTOR_FLOPS_PER_ELEMENT,
  vectorOp,
} from "./operator-builder.ts";
import type { ModelArchitecture, MoeSpec, Operator } from "./types.ts";
import { type GemmComponent, matrixBytes } from "./weight-bytes.ts";
import { checkDivides } from "./workload-checks.ts";
import { routerColumns, routerPicks } from "./zero-experts.ts";

/**
 * The FFN's first GEMM's width factor and its activation: SwiGLU's gate and up (2 × intermediate
 * columns, 5 FLOPs per output element) or squared ReLU's up alone (Nemotron-H's `relu2`: 1 ×, 2
 * FLOPs). The first GEMM keeps the name `gate_up_proj` either way (kernel chains key on it).
 */
export function ffnShape(arch: ModelArchitecture): { readonly upFactor: 1 | 2; readonly actFlops: number } {
  return arch.ffnActivation === "relu2"
    ? { upFactor: 1, actFlops: VECTOR_FLOPS_PER_ELEMENT.relu2 }
    : { upFactor: 2, actFlops: VECTOR_FLOPS_PER_ELEMENT.swiglu };
}

/**
 * The post-attention norm and the FFN block of a layer of the given kind; nothing for a
 * single-mixer block without FFN (kind `none`, whose norm is the mixer's input norm).
 */
export function ffnOperators(
  arch: ModelArchitecture,
  kind: LayerKind,
  w: ResolvedWorkload,
  prefix = "",
  hashRouted = false,
): Operator[] {
  if (kind === "none") return [];
  const ops = [rmsNormOp(w, `${prefix}ffn.post_attention_norm`, w.tokens, arch.hiddenSize)];
  if (kind === "dense" || arch.moe === undefined)
    return [
      ...ops,
      ...swigluOperators(
        arch,
        w,
        `${prefix}ffn`,
        w.denseFfnTokens,
        arch.denseIntermediateSize,
        "intermediate_size",
        "dense-ffn",
        w.ffnTp,
        "ffnTp",
      ),
    ];
  return [...ops, ...moeOperators(arch, arch.moe, w, prefix, hashRouted)];
}

function swigluOperators(
  arch: ModelArchitecture,
  w: ResolvedWorkload,
  name: string,
  tokens: number,
  intermediate: number,
  field: string,
  component: GemmComponent,
  tp: number,
  tpField: "ffnTp" | "sharedExpertTp",
): Operator[] {
  checkDivides(intermediate, tp, field, tpField);
  const h = arch.hiddenSize;
  const inter = intermediate / tp;
  const { upFactor, actFlops } = ffnShape(arch);
  return [
    gemmOp(w, {
      name: `${name}.gate_up_proj`,
      component,
      rows: tokens,
      n: upFactor * inter,
      k: h,
      weightBytes: upFactor * matrixBytes(inter, h, w.components[component].weights),
    }),
    vectorOp(w, {
      name: `${name}.act`,
      flops: actFlops * tokens * inter,
      readElements: upFactor * tokens * inter,
      writeElements: tokens * inter,
    }),
    gemmOp(w, { name: `${name}.down_proj`, component, rows: tokens, n: h, k: inter }),
  ];
}

function moeOperators(
  arch: ModelArchitecture,
  moe: MoeSpec,
  w: ResolvedWorkload,
  p: string,
  hashRouted: boolean,
): Operator[] {
  // The experts' input width: the hidden state, or its latent projection (latent MoE).
  const h = moe.latentSize ?? arch.hiddenSize;
  const hidden = arch.hiddenSize;
  const { upFactor, actFlops } = ffnShape(arch);
  const T = w.tokens;
  const E = moe.numRoutedExperts;
  // Scores per token (routed + zero-computation experts) and picks per token (zero-experts.ts).
  const scored = routerColumns(moe);
  const picks = routerPicks(moe);
  // A routed expert's intermediate slice on this rank (all of it unless experts are tensor-parallel).
  const inter = moe.expertIntermediateSize / w.expertTp;
  const ops: Operator[] = [
    vectorOp(w, {
      name: `${p}moe.router`,
      // Router GEMM (tokens × hidden × experts): one logit per (token, expert).
      flops: 2 * T * hidden * scored,
      readElements: T * hidden,
      writeElements: T * scored,
      weightBytes: scored * hidden * bytesOfHighPrecision(w.weights),
    }),
    hashRouted
      ? // DeepSeek-V4's hash layers: the experts come from a token-id table (`tid2eid`), the gate's
        // scores of those experts are gathered and normalised — no selection over all experts.
        vectorOp(w, {
          name: `${p}moe.hash_select`,
          // Estimate: 3 FLOPs per chosen expert (gather its score, sum, divide); reads the token id
          // and 3 elements per chosen expert.
          flops: 3 * T * moe.topK,
          readElements: T * (1 + 3 * moe.topK),
          writeElements: 2 * T * moe.topK,
        })
      : vectorOp(w, {
          name: `${p}moe.topk`,
          // The selection is its own kernel after the router GEMM in every implementation read
          // (DeepSeek's reference `Gate`; SGLang's `moe_fused_gate` / `biased_grouped_topk`; the
          // TensorRT-LLM-gen routing kernels FlashInfer's fused MoE launches before its GEMMs;
          // TensorRT-LLM's `noaux_tc`; CANN's `npu_moe_gating_top_k`): scores, bias add, (grouped)
          // top-k and normalisation, counted as 4 element operations per (token, expert) — an
          // order-of-magnitude count, not a measurement; its cost at decode is the launch.
          flops: 4 * T * scored,
          readElements: T * scored,
          writeElements: 2 * T * picks,
        }),
  ];
  const ew = w.components["routed-experts"].weights;
  const routedOnly =
    w.expertTokens?.reduce((a, b) => a + b, 0) ?? w.meanTokensPerLocalExpert * w.localExperts;
  const touchedByRouting =
    w.expertTokens?.filter((n) => n > 0).length ??
    w.localExperts * (1 - Math.exp(-w.meanTokensPerLocalExpert));
  // A fixed expert set (padding rows of one repeated token) adds its rows, and its experts where
  // the routing left them idle (each idle with the routing's probability of an untouched expert).
  const fixed = w.fixedExpertLoad;
  const fixedRows = fixed === undefined ? 0 : fixed.experts * fixed.tokens;
  const routed = routedOnly + fixedRows;
  const touched =
    fixedRows > 0 && fixed !== undefined
      ? touchedByRouting + fixed.experts * (1 - touchedByRouting / Math.max(1, w.localExperts))
      : touchedByRouting;
  // Shared experts fused into the routed kernel: that many more experts, each on every token.
  const fusedShared = sharedExpertsFused(moe, w) ? moe.numSharedExperts : 0;
  const sharedRows = fusedShared * w.sharedExpertTokens;
  // Latent MoE: every token of the rank projected to the latent width before dispatch (Megatron-LM
  // moe_layer.py; the dispatcher's buffers are latent-wide), and the combined output back after.
  const latent = moe.latentSize !== undefined && T > 0;
  if (latent)
    ops.push(
      gemmOp(w, { name: `${p}moe.fc1_latent_proj`, component: "shared-experts", rows: T, n: h, k: hidden }),
    );
  if (routed > 0) {
    const groups = Math.max(1, Math.round(touched));
    // EP > 1: every routed pair of the op's tokens over the rank's experts (a kernel sizing its row
    // tile from its whole input sees the pairs of the other ranks' experts too).
    const sharded = w.localExperts < E;
    const tileRows = sharded ? { routedRowsPerGroup: (routed / w.localExperts) * (E / w.localExperts) } : {};
    // What a fused-MoE kernel looks its tile config up by: the op's tokens and the expert slice.
    const configKey = { opTokens: T, expertIntermediate: inter };
    ops.push(
      withFusedExperts(
        w,
        sharedRows,
        fusedShared,
        upFactor * matrixBytes(inter, h, ew),
        gemmOp(w, {
          name: `${p}moe.experts.gate_up_proj`,
          component: "routed-experts",
          class: "grouped-gemm",
          rows: routed,
          n: upFactor * inter,
          k: h,
          groups,
          localGroups: w.localExperts,
          ...tileRows,
          ...configKey,
          weightBytes: touched * upFactor * matrixBytes(inter, h, ew),
          weightElements: touched * upFactor * inter * h,
        }),
      ),
      vectorOp(w, {
        name: `${p}moe.experts.act`,
        flops: actFlops * (routed + sharedRows) * inter,
        readElements: upFactor * (routed + sharedRows) * inter,
        writeElements: (routed + sharedRows) * inter,
      }),
      withFusedExperts(
        w,
        sharedRows,
        fusedShared,
        matrixBytes(h, inter, ew),
        gemmOp(w, {
          name: `${p}moe.experts.down_proj`,
          component: "routed-experts",
          class: "grouped-gemm",
          rows: routed,
          n: h,
          k: inter,
          groups,
          localGroups: w.localExperts,
          ...tileRows,
          ...configKey,
          weightBytes: touched * matrixBytes(h, inter, ew),
          weightElements: touched * h * inter,
        }),
      ),
    );
  }
  if (moe.numSharedExperts > 0 && w.sharedExpertTokens > 0 && fusedShared === 0)
    ops.push(
      ...swigluOperators(
        arch,
        w,
        `${p}moe.shared`,
        w.sharedExpertTokens,
        moe.numSharedExperts * moe.sharedExpertIntermediateSize,
        "n_shared_experts × moe_intermediate_size",
        "shared-experts",
        w.sharedExpertTp,
        "sharedExpertTp",
      ),
    );
  // Weighted sum of the top-k expert outputs (plus the shared output) for this rank's tokens; a
  // latent MoE sums the top-k at the latent width, projects back, then adds the shared output.
  // Zero-computation experts' picks are summed here too (the token scaled by its gate).
  const shared = moe.numSharedExperts > 0 ? 1 : 0;
  ops.push(
    vectorOp(w, {
      name: `${p}moe.combine`,
      flops: 2 * T * (picks * h + shared * hidden),
      readElements: T * (picks * h + shared * hidden),
      writeElements: T * hidden,
    }),
  );
  if (latent) {
    const combine = ops.pop() as Operator;
    ops.push(
      gemmOp(w, { name: `${p}moe.fc2_latent_proj`, component: "shared-experts", rows: T, n: hidden, k: h }),
      combine,
    );
  }
  return ops;
}
