/**
 * Megatron-Core's rotary embedding runs unfused when YaRN scales the sine and cosine. Read from
 * Megatron-LM 92c8482e (the commit NeMo 25.11's Megatron-Bridge pins): `Attention.forward` passes
 * `mscale = _yarn_get_concentration_factor_from_config(config)` to `apply_rotary_pos_emb` for the
 * query and the key, and with `apply_rope_fusion` (which the performance scripts set) the fused TE
 * kernel is used only when that factor is 1 ("mscale=… is not supported by TE's fused RoPE. Using
 * unfused implementation.", `models/common/embeddings/rope_utils.py`). The factor is
 * `0.1·ln(factor) + 1` without `mscale` / `mscale_all_dim` (`yarn_rotary_pos_embedding.py`), so
 * gpt-oss (YaRN factor 32, neither key; Megatron-Bridge's `GPTOSSProvider` sets the same) gets
 * 1.347 and the unfused path on every layer.
 *
 * The unfused path (`_apply_rotary_pos_emb_bshd`, rotary dimension = head dimension, not
 * interleaved), per tensor of E BF16 elements (the rank's query and key heads over its tokens):
 * forward `t · cos`, `rotate_half` (a negation of one half, read and write E/2, and a
 * concatenation, read and write E), `· sin`, the sum (read 2E, write E) and the concatenation with
 * the empty pass-through part (read and write E): 6 kernels, 6.5E read and 6.5E written. Backward
 * (autograd's transposes): the two multiplies by sin and cos, the negation, the split's
 * concatenation, the sum of the two paths and the slice's zero-filled copy: 7 kernels, 6.5E read
 * and 6.5E written. These replace the graph's fused `attn.rotary` pass. Derived from the source, not
 * measured; nothing here is set from a result.
 *
 * A scenario with `ropeFusion: false` runs this path whatever the scaling: MindSpeed without
 * `--use-fused-rotary-pos-emb` (MindSpeed 1.0.RC3_core_r0.6.0, as r0.7.0,
 * `core/models/common/embeddings/rotary_pos_embedding.py`: `(t * cos_) + (_rotate_half(t) * sin_)`,
 * then `torch.cat((t, t_pass))`, the same ops; `npu_rotary_position_embedding` only with the flag).
 */
import { DTYPE_BYTES } from "../hardware/index.ts";
import { activationPass, type ModelArchitecture, type Operator } from "../model/index.ts";
import type { TrainingScenario } from "./training-scenario.ts";

const BF16 = DTYPE_BYTES.bf16;

/**
 * Megatron's YaRN concentration factor for an architecture (1 without YaRN).
 * @example yarnConcentration(builtinModel("gpt-oss-120b")) // 1.3466 (0.1·ln 32 + 1)
 */
export function yarnConcentration(arch: ModelArchitecture): number {
  const yarn = arch.attention.kind === "gqa" ? arch.attention.ropeYarn : undefined;
  if (yarn === undefined) return 1;
  const mscale = (scale: number, m = 1) => (scale <= 1 ? 1 : 0.1 * m * Math.log(scale) + 1);
  if (yarn.mscale === undefined || yarn.mscaleAllDim === undefined) return mscale(yarn.factor);
  return mscale(yarn.factor, yarn.mscale) / mscale(yarn.factor, yarn.mscaleAllDim);
}

/** Whether Megatron-Core applies this architecture's RoPE with the unfused PyTorch ops. */
export function megatronRopeUnfused(arch: ModelArchitecture): boolean {
  return arch.attention.kind === "gqa" && yarnConcentration(arch) !== 1;
}

/**
 * The unfused RoPE passes of one layer on one rank: query and key heads (over tp) of `tokens`.
 * @example unfusedRopeOperators(builtinModel("gpt-oss-120b"), 16384, 1, "forward")[0].kernels // 12
 */
export function unfusedRopeOperators(
  arch: ModelArchitecture,
  tokens: number,
  tp: number,
  direction: "forward" | "backward",
): Operator[] {
  if (arch.attention.kind !== "gqa") return [];
  const a = arch.attention;
  const elements = tokens * ((a.numHeads + a.numKvHeads) / tp) * a.headDim;
  const bytes = 6.5 * BF16 * elements;
  const name = direction === "forward" ? "attn.rotary_unfused" : "attn.rotary_unfused.backward";
  const kernels = direction === "forward" ? 12 : 14;
  return [activationPass({ name, dtype: "bf16", readBytes: bytes, writeBytes: bytes, kernels })];
}

/**
 * A layer's operators with Megatron-Core's RoPE as it runs: the fused `attn.rotary` pass (and its
 * backward) replaced by the unfused passes when the scenario is Megatron-Core and YaRN's factor is
 * not 1 or `ropeFusion` is false; unchanged otherwise.
 * @example megatronRopeOps(ops, gptOssGb300Scenario, 16384).some((o) => o.name === "attn.rotary_unfused") // true
 */
export function megatronRopeOps(ops: Operator[], s: TrainingScenario, tokensPerRank: number): Operator[] {
  if (s.framework !== "megatron-core" || (s.ropeFusion && !megatronRopeUnfused(s.model))) return ops;
  return ops.flatMap((op) =>
    op.name === "attn.rotary" || op.name === "attn.rotary.backward"
      ? unfusedRopeOperators(
          s.model,
          tokensPerRank,
          s.layout.tp,
          op.name === "attn.rotary" ? "forward" : "backward",
        )
      : [op],
  );
}
