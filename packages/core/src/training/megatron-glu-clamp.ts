/**
 * Megatron-Core clamps a GLU expert's fc1 output with eager PyTorch ops, outside its compiled
 * activation, when the model sets a clamp (gpt-oss `swiglu_limit` 7; Megatron-Bridge 00b7660b
 * `GPTOSSProvider.activation_func_clamp_value = 7.0`). Read from Megatron-LM 92c8482e (the commit
 * NeMo 25.11's Megatron-Bridge pins): `TEGroupedMLP.forward`'s `bias_act_func`
 * (`moe/experts.py` 897–922) calls `weighted_bias_quick_geglu_impl`
 * (`fusions/fused_bias_geglu.py` 410–442), which, with `clamp_value` set, runs
 * `input.chunk(2, -1)`, `x_glu.clamp(max=v)`, `x_linear.clamp(min=-v, max=v)` and `torch.cat`
 * eagerly before the `torch.compile`d weighted GEGLU. Per element E of one half (fc1's output is
 * two halves of the expert width, BF16):
 *
 * - forward: the two clamps (read 2 B, write 2 B each) and the concatenation (read and write both
 *   halves): 3 kernels, 8 B read and 8 B written per E;
 * - backward (PyTorch `clamp_backward`): the gate half `le` (read 2, write a 1-byte mask) and
 *   `where` (read 3, write 2); the linear half `ge`, `le` (read 2, write 1 each), `logical_and_`
 *   (read 2, write 1) and `where` (read 3, write 2); then `chunk`'s backward concatenates the two
 *   gradients (read and write 4): 7 kernels, 18 B read and 12 B written per E.
 *
 * Under `moe_act` recompute the checkpointed `bias_act_func` re-runs the forward passes inside the
 * backward (`moe-token-copies.ts` adds them to the recompute). Derived from the source, not
 * measured; nothing here is set from a result.
 */
import { activationPass, type ModelArchitecture, type Operator } from "../model/index.ts";

/** Name of the forward clamp pass (what a `moe_act` recompute re-runs). */
export const GLU_CLAMP_FORWARD = "moe.experts.glu_clamp";

/**
 * The clamp passes of one MoE layer's experts on one rank: `rows` routed rows at `width` (the
 * expert intermediate width on the rank, one GLU half); none when the model sets no clamp.
 * @example gluClampOperators(builtinModel("gpt-oss-120b"), 65536, 2880, "forward")[0].kernels // 3
 */
export function gluClampOperators(
  arch: ModelArchitecture,
  rows: number,
  width: number,
  direction: "forward" | "backward",
): Operator[] {
  if (arch.moe?.expertActivationClamp === undefined) return [];
  const e = rows * width;
  return [
    direction === "forward"
      ? activationPass({
          name: GLU_CLAMP_FORWARD,
          dtype: "bf16",
          readBytes: 8 * e,
          writeBytes: 8 * e,
          kernels: 3,
        })
      : activationPass({
          name: `${GLU_CLAMP_FORWARD}.backward`,
          dtype: "bf16",
          readBytes: 18 * e,
          writeBytes: 12 * e,
          kernels: 7,
        }),
  ];
}
