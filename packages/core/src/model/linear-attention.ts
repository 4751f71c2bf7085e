/**
 * Gated DeltaNet linear attention (Qwen3-Next's `linear_attention` layers; transformers
 * `Qwen3NextGatedDeltaNet`, vLLM / SGLang `qwen3_next.py` with the flash-linear-attention kernels):
 *
 * - `in_proj_qkvz`: hidden → q, k (key heads × key dim each), v and the output gate z (value
 *   heads × value dim each); `in_proj_ba`: hidden → β and the decay input a (one per value head);
 * - a causal depthwise convolution (`linear_conv_kernel_dim` taps, SiLU) over q, k, v, which keeps
 *   the last kernel − 1 inputs per sequence (the conv state);
 * - the gated delta rule over a per-sequence state S of value heads × key dim × value dim
 *   (S ← e^g·S + β·k·(v − e^g·Sᵀk)ᵀ, o = Sᵀq): one recurrent step per token in decode, the chunked
 *   form in prefill (chunks of 64: intra-chunk products, a triangular solve, inter-chunk state
 *   updates), q and k L2-normalised in the kernel;
 * - a gated RMSNorm over each value head (× SiLU(z)) and `out_proj`: value heads × value dim → hidden.
 *
 * The state replaces a KV cache: its size per sequence does not grow with the context. Under
 * attention TP the heads split over the ranks. Assumed, not measured: the state is kept in FP32 (the
 * kernels' accumulator format; SGLang's --mamba-ssm-dtype and vLLM's --mamba-ssm-cache-dtype can
 * lower it), the conv state in the activation format. The prefill recurrence is FLA's chunked kernel
 * chain (gated-delta-prefill.ts: its intermediates' bytes and the state kernel's chunk walk); the
 * decode step is the state's read and write.
 */
import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import { gatedDeltaPrefillOperator } from "./gated-delta-prefill.ts";
import { LINEAR_STATE_DTYPE, type ResolvedWorkload } from "./layer-work.ts";
import { mamba2Operators, mamba2Tensors } from "./mamba2.ts";
import { bytesOfHighPrecision, gemmOp, VECTOR_FLOPS_PER_ELEMENT, vectorOp } from "./operator-builder.ts";
import { convStateBytes, gatedNormOutputOps, recurrentStateBytes } from "./recurrent-mixer-ops.ts";
import type { LinearAttentionSpec, ModelArchitecture, Operator } from "./types.ts";
import { highPrecisionTensor, weightMatrix } from "./weight-tensor-builders.ts";
import type { WeightTensor } from "./weight-tensors.ts";
import { checkDivides } from "./workload-checks.ts";

/**
 * Whether decoder layer `layerIndex` is a linear-attention layer.
 * @example isLinearAttentionLayer(builtinModel("qwen3-next-80b-a3b"), 3) // false (full attention)
 */
export function isLinearAttentionLayer(arch: ModelArchitecture, layerIndex: number): boolean {
  return arch.linearAttention?.layers.includes(layerIndex) === true;
}

/** Channels the causal convolution runs over: q, k and v (Mamba-2: C, B and x). */
function convChannels(s: LinearAttentionSpec): number {
  return 2 * s.numKeyHeads * s.keyHeadDim + s.numValueHeads * s.valueHeadDim;
}

/**
 * Bytes of recurrent and convolution state one sequence keeps over all linear-attention layers
 * (whole model, not split over TP). Mamba-2 layers have the same shape (mamba2.ts).
 * @example linearStateBytesPerSequence(builtinModel("qwen3-next-80b-a3b"), "bf16") // 36 × (32×128×128×4 + 3×8192×2)
 */
export function linearStateBytesPerSequence(
  arch: ModelArchitecture,
  convDtype: Dtype,
  stateDtype: Dtype = LINEAR_STATE_DTYPE,
): number {
  const s = arch.linearAttention;
  if (s === undefined) return 0;
  const recurrent = s.numValueHeads * s.keyHeadDim * s.valueHeadDim * DTYPE_BYTES[stateDtype];
  const conv = (s.convKernel - 1) * convChannels(s) * DTYPE_BYTES[convDtype];
  return s.layers.length * (recurrent + conv);
}

/**
 * Weight tensors of one linear-attention layer (with the layer's two RMSNorms; a Mamba-2 block has
 * its one).
 */
export function linearAttentionTensors(arch: ModelArchitecture, s: LinearAttentionSpec): WeightTensor[] {
  if (s.kind === "mamba2") return mamba2Tensors(arch, s);
  const h = arch.hiddenSize;
  const key = s.numKeyHeads * s.keyHeadDim;
  const value = s.numValueHeads * s.valueHeadDim;
  return [
    highPrecisionTensor("attn.input_norm", "attention", h),
    highPrecisionTensor("ffn.post_attention_norm", "attention", h),
    weightMatrix("lin.in_proj_qkvz", "attention", 2 * key + 2 * value, h),
    weightMatrix("lin.in_proj_ba", "attention", 2 * s.numValueHeads, h),
    highPrecisionTensor("lin.conv1d", "attention", convChannels(s), s.convKernel),
    highPrecisionTensor("lin.dt_bias", "attention", s.numValueHeads),
    highPrecisionTensor("lin.a_log", "attention", s.numValueHeads),
    highPrecisionTensor("lin.norm", "attention", s.valueHeadDim),
    { ...weightMatrix("lin.out_proj", "attention", h, value), formatAs: "attention-output" },
  ];
}

/** Operators of one linear-attention layer after its input norm, on one rank. */
export function linearAttentionOperators(
  arch: ModelArchitecture,
  s: LinearAttentionSpec,
  w: ResolvedWorkload,
  p: string,
): Operator[] {
  if (s.kind === "mamba2") return mamba2Operators(arch, s, w, p);
  const tp = w.attentionTp;
  checkDivides(s.numKeyHeads, tp, "linear_num_key_heads", "attentionTp");
  checkDivides(s.numValueHeads, tp, "linear_num_value_heads", "attentionTp");
  const h = arch.hiddenSize;
  const T = w.tokens;
  const keyHeads = s.numKeyHeads / tp;
  const valueHeads = s.numValueHeads / tp;
  const key = keyHeads * s.keyHeadDim;
  const value = valueHeads * s.valueHeadDim;
  const channels = 2 * key + value;
  const hp = bytesOfHighPrecision(w.weights);
  const convState = convStateBytes(s, w, channels);
  const state = recurrentStateBytes(s, w, valueHeads);
  const decode = w.forwardPhase === "decode";
  const ops: Operator[] = [
    gemmOp(w, {
      component: "attention",
      name: `${p}lin.in_proj_qkvz`,
      rows: T,
      n: 2 * key + 2 * value,
      k: h,
    }),
    gemmOp(w, { component: "attention", name: `${p}lin.in_proj_ba`, rows: T, n: 2 * valueHeads, k: h }),
    vectorOp(w, {
      name: `${p}lin.conv1d`,
      flops: (2 * s.convKernel + VECTOR_FLOPS_PER_ELEMENT.swiglu) * T * channels,
      readElements: T * channels,
      writeElements: T * channels,
      weightBytes: s.convKernel * channels * hp,
      kvReadBytes: decode ? convState : 0,
      kvWriteBytes: convState,
    }),
    // q, k L2-normalised; per token and value head the gates (estimate, one FLOP per add, multiply
    // or transcendental): a + dt_bias (1), softplus = log(1 + exp) (3), × −exp(A_log) (1, the
    // exponent a per-head constant), e^g (1), β = sigmoid(b) = 1 / (1 + exp(−b)) (4): 10.
    vectorOp(w, {
      name: `${p}lin.qk_l2norm_gates`,
      flops: VECTOR_FLOPS_PER_ELEMENT.rmsNorm * T * 2 * key + 10 * T * valueHeads,
      readElements: T * (2 * key + 2 * valueHeads),
      writeElements: T * (2 * key + 2 * valueHeads),
      weightBytes: 2 * valueHeads * hp,
    }),
  ];
  if (decode) {
    // Decode, per token and value head, over the dk × dv state: e^g·S (1·dk·dv), Sᵀk (2), the
    // update S + k·δᵀ with δ = β·(v − Sᵀk) (2: outer product and add), o = Sᵀq (2): 7·dk·dv (the
    // O(dv) work on δ dropped). One recurrent step: the state is read and written once per sequence
    // (a step verifying MTP drafts keeps its per-token states in registers), q, k, v, g, β read, the
    // output written.
    ops.push(
      vectorOp(w, {
        name: `${p}lin.delta_rule`,
        flops: 7 * s.keyHeadDim * s.valueHeadDim * T * valueHeads,
        readElements: T * (2 * key + value + 2 * valueHeads),
        writeElements: T * value,
        kvReadBytes: state,
        kvWriteBytes: state,
      }),
    );
  } else {
    const shape = {
      tokens: T,
      sequences: w.sequences,
      keyHeads,
      valueHeads,
      keyHeadDim: s.keyHeadDim,
      valueHeadDim: s.valueHeadDim,
      dtype: w.attentionDtype,
    };
    ops.push(gatedDeltaPrefillOperator(`${p}lin.delta_rule`, shape, state));
  }
  ops.push(...gatedNormOutputOps(w, p, h, value, s.valueHeadDim));
  return ops;
}
