/**
 * Mamba-2 state-space layers (Nemotron-H's `M` blocks; transformers `NemotronHMamba2Mixer`, vLLM
 * `MambaMixer2` with the mamba_ssm SSD kernels), as a linear-attention variant: the state per
 * sequence is fixed-size like Gated DeltaNet's, and its shapes map onto the same fields
 * (`LinearAttentionSpec` with `kind: "mamba2"`): x ↔ v (`mamba_num_heads` heads of
 * `mamba_head_dim`), B ↔ k and C ↔ q (`n_groups` groups of `ssm_state_size`).
 *
 * - `in_proj`: hidden → z (the gate, heads × head_dim), x, B, C, and dt (one per head);
 * - a causal depthwise convolution (`conv_kernel` taps, with bias, SiLU) over x, B and C, which
 *   keeps the last kernel − 1 inputs per sequence (the conv state);
 * - the SSD recurrence over a per-sequence state of heads × ssm_state × head_dim: S ← e^(A·dt)·S +
 *   dt·B·xᵀ, y = Cᵀ·S + D·x — one step per token in decode, the chunked form in prefill (chunks of
 *   `chunk_size`: C·Bᵀ per group, the masked intra-chunk product with x, chunk states Bᵀ·x, the
 *   state passing and the inter-chunk output C·S);
 * - a gated RMSNorm (y × SiLU(z), normalised per group) and `out_proj`: heads × head_dim → hidden.
 *
 * Under attention TP the heads and the groups split over the ranks. Assumed as for Gated DeltaNet:
 * the state in FP32 (Nemotron 3's `mamba_ssm_cache_dtype: float32`), the conv state in the
 * activation format, the prefill recurrence timed as one GEMM of its FLOPs, the decode step as the
 * state's read and write.
 */
import type { ResolvedWorkload } from "./layer-work.ts";
import { bytesOfHighPrecision, gemmOp, VECTOR_FLOPS_PER_ELEMENT, vectorOp } from "./operator-builder.ts";
import {
  chunkedRecurrenceOp,
  convStateBytes,
  gatedNormOutputOps,
  recurrentStateBytes,
} from "./recurrent-mixer-ops.ts";
import type { LinearAttentionSpec, ModelArchitecture, Operator } from "./types.ts";
import { highPrecisionTensor, weightMatrix } from "./weight-tensor-builders.ts";
import type { WeightTensor } from "./weight-tensors.ts";
import { checkDivides } from "./workload-checks.ts";

/** Mamba-2's default SSD chunk (mamba_ssm; Nemotron-H's `chunk_size` 128). */
export const SSD_CHUNK = 128;

/** Weight tensors of one Mamba-2 block: its RMSNorm and the mixer. */
export function mamba2Tensors(arch: ModelArchitecture, s: LinearAttentionSpec): WeightTensor[] {
  const h = arch.hiddenSize;
  const groups = s.numKeyHeads * s.keyHeadDim;
  const inner = s.numValueHeads * s.valueHeadDim;
  const conv = inner + 2 * groups;
  return [
    highPrecisionTensor("attn.input_norm", "attention", h),
    weightMatrix("lin.in_proj", "attention", 2 * inner + 2 * groups + s.numValueHeads, h),
    highPrecisionTensor("lin.conv1d", "attention", conv, s.convKernel),
    highPrecisionTensor("lin.conv1d_bias", "attention", conv),
    highPrecisionTensor("lin.dt_bias", "attention", s.numValueHeads),
    highPrecisionTensor("lin.a_log", "attention", s.numValueHeads),
    highPrecisionTensor("lin.d", "attention", s.numValueHeads),
    highPrecisionTensor("lin.norm", "attention", inner),
    { ...weightMatrix("lin.out_proj", "attention", h, inner), formatAs: "attention-output" },
  ];
}

/**
 * FLOPs per token and head of the chunked SSD (prefill), chunk c, state N (`keyHeadDim`), head dim
 * P (`valueHeadDim`): C·Bᵀ (2c·N per token, once per group: × groups / heads), the masked product
 * with x (2c·P), the chunk states Bᵀ·x (2N·P), the inter-chunk output C·S (2N·P) and the state
 * passing (N·P per chunk).
 */
export function ssdFlopsPerTokenHead(s: LinearAttentionSpec): number {
  const n = s.keyHeadDim;
  const p = s.valueHeadDim;
  const c = s.chunkSize ?? SSD_CHUNK;
  return 2 * c * n * (s.numKeyHeads / s.numValueHeads) + 2 * c * p + 4 * n * p + (n * p) / c;
}

/** Operators of one Mamba-2 mixer after its input norm, on one rank. */
export function mamba2Operators(
  arch: ModelArchitecture,
  s: LinearAttentionSpec,
  w: ResolvedWorkload,
  p: string,
): Operator[] {
  const tp = w.attentionTp;
  checkDivides(s.numKeyHeads, tp, "n_groups", "attentionTp");
  checkDivides(s.numValueHeads, tp, "mamba_num_heads", "attentionTp");
  const h = arch.hiddenSize;
  const T = w.tokens;
  const heads = s.numValueHeads / tp;
  const groups = (s.numKeyHeads / tp) * s.keyHeadDim;
  const inner = heads * s.valueHeadDim;
  const channels = inner + 2 * groups;
  const hp = bytesOfHighPrecision(w.weights);
  const convState = convStateBytes(s, w, channels);
  const state = recurrentStateBytes(s, w, heads);
  const decode = w.forwardPhase === "decode";
  const ops: Operator[] = [
    gemmOp(w, {
      component: "attention",
      name: `${p}lin.in_proj`,
      rows: T,
      n: 2 * inner + 2 * groups + heads,
      k: h,
    }),
    vectorOp(w, {
      name: `${p}lin.conv1d`,
      // Taps (multiply-add each), the bias and SiLU per channel.
      flops: (2 * s.convKernel + 1 + VECTOR_FLOPS_PER_ELEMENT.swiglu) * T * channels,
      readElements: T * channels,
      writeElements: T * channels,
      weightBytes: (s.convKernel + 1) * channels * hp,
      kvReadBytes: decode ? convState : 0,
      kvWriteBytes: convState,
    }),
  ];
  // Per token and head (estimate, one FLOP per add, multiply or transcendental): dt + dt_bias (1),
  // softplus (3), A·dt with A = −exp(A_log) (1), its exponential (1); D·x adds 2 per x element.
  const gateFlops = 6 * T * heads + 2 * T * inner;
  // Decode, per token and head over the N × P state: decay (1), dt·B·xᵀ added (2), Cᵀ·S (2): 5·N·P.
  const perTokenHead = decode ? 5 * s.keyHeadDim * s.valueHeadDim : ssdFlopsPerTokenHead(s);
  const flops = perTokenHead * T * heads + gateFlops;
  if (decode)
    ops.push(
      vectorOp(w, {
        name: `${p}lin.ssd`,
        flops,
        readElements: T * (channels + heads),
        writeElements: T * inner,
        weightBytes: 3 * heads * hp,
        kvReadBytes: state,
        kvWriteBytes: state,
      }),
    );
  else ops.push(chunkedRecurrenceOp(w, `${p}lin.ssd`, flops, inner, state));
  ops.push(...gatedNormOutputOps(w, p, h, inner, inner));
  return ops;
}
