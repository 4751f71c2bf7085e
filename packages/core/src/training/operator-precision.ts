/**
 * Where a low-precision training recipe leaves some GEMMs out of its format.
 *
 * - **BF16 blocks.** Megatron-Core's `first_last_layers_bf16` keeps the first
 *   `num_layers_at_start_in_bf16` and the last `num_layers_at_end_in_bf16` decoder blocks out of
 *   the FP8 / FP4 autocast (Megatron-LM 24bad8e6 `core/fp4_utils.py` `get_fp4_context` lines
 *   247–266, `core/fp8_utils.py` `is_first_last_bf16_layer`; the hybrid stack indexes its
 *   single-mixer blocks, `core/models/hybrid/hybrid_block.py` lines 125–133): every GEMM of those
 *   blocks runs BF16. Scenario: `precision.bf16Layers`.
 * - **Operator formats.** A Megatron-Core `quant_recipe` (Transformer Engine quantization-recipe
 *   matchers, e.g. Megatron-Bridge's `perf_recipes/nemotronh/te_quant.cfg`) gives named modules
 *   their own recipe inside the autocast (`core/extensions/transformer_engine.py` lines 312–360,
 *   `override_quantized_autocast` true by default, `override_nonquantized_autocast` false: so not in
 *   the BF16 blocks). Scenario: `precision.operatorFormats`, operator-name globs.
 *
 * The operators are the model's own, built a second time at the other format and picked by name.
 */
import type { LayerOperatorOptions, Operator } from "../model/index.ts";
import { SupernodeError } from "../spec/index.ts";
import type { OperandScaling } from "./fp8-quantization.ts";
import type { TrainingScenario } from "./training-scenario.ts";

/** Operators given their own format inside the low-precision blocks (`precision.operatorFormats`). */
export interface OperatorFormat {
  /** Operator-name globs (`*`: any text). */
  readonly operators: readonly string[];
  readonly compute: "bf16" | "fp8";
  /** Operand scaling when `compute` is fp8. */
  readonly fp8Scaling: "current" | "blockwise";
}

/** Decoder blocks kept in BF16 at the model's start and end (`precision.bf16Layers`). */
export interface Bf16Layers {
  readonly start: number;
  readonly end: number;
}

/** Whether decoder block `index` (0-based) of `numLayers` runs BF16 under `layers`. */
export function isBf16Block(layers: Bf16Layers, index: number, numLayers: number): boolean {
  return index < layers.start || index >= numLayers - layers.end;
}

/** The same options with every GEMM's weights and math in BF16. */
export function bf16Options(options: LayerOperatorOptions): LayerOperatorOptions {
  return { ...options, weightDtype: "bf16", computeDtype: "bf16" };
}

const globs = new Map<string, RegExp>();

/** Whether an operator name matches a glob (`*` any text, every other character literal). */
export function globMatches(glob: string, name: string): boolean {
  let re = globs.get(glob);
  if (re === undefined) {
    const body = glob
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    re = new RegExp(`^${body}$`);
    globs.set(glob, re);
  }
  return re.test(name);
}

/** The first format whose globs match `name`, with the glob that did. */
function formatOf(
  formats: readonly OperatorFormat[],
  name: string,
): { readonly format: OperatorFormat; readonly glob: string } | undefined {
  for (const format of formats) {
    const glob = format.operators.find((g) => globMatches(g, name));
    if (glob !== undefined) return { format, glob };
  }
  return undefined;
}

/**
 * The operators `build` makes at `options`, those a format matches replaced by the same operator
 * built at the format's GEMM math. `used` collects the globs that matched.
 * @example withOperatorFormats((o) => layerOperators(arch, 0, w, o), fp4Options, [{ operators: ["attn.qkv_proj*"], compute: "bf16", fp8Scaling: "current" }], new Set())
 */
export function withOperatorFormats(
  build: (options: LayerOperatorOptions) => Operator[],
  options: LayerOperatorOptions,
  formats: readonly OperatorFormat[],
  used: Set<string>,
): Operator[] {
  const base = build(options);
  if (formats.length === 0) return base;
  const rebuilt = new Map<OperatorFormat, Operator[]>();
  return base.map((op, i) => {
    const hit = formatOf(formats, op.name);
    if (hit === undefined) return op;
    used.add(hit.glob);
    let ops = rebuilt.get(hit.format);
    if (ops === undefined) {
      const dtype = hit.format.compute;
      ops = build(
        dtype === "bf16" ? bf16Options(options) : { ...options, computeDtype: dtype, weightDtype: dtype },
      );
      rebuilt.set(hit.format, ops);
    }
    const same = ops[i];
    if (same?.name !== op.name)
      throw new Error(`operator ${op.name}: the ${hit.format.compute} build has ${same?.name} in its place`);
    return same;
  });
}

/** The FP8 operand scaling a format gives an FP8 operator it matches (else undefined: the job's). */
export function formatScaling(formats: readonly OperatorFormat[], op: Operator): OperandScaling | undefined {
  if (op.dtype !== "fp8") return undefined;
  const hit = formatOf(formats, op.name);
  return hit?.format.compute === "fp8" ? hit.format.fp8Scaling : undefined;
}

/**
 * An error at the first glob of `precision.operatorFormats` that matched no operator of the job.
 * @example checkFormatsUsed(scenario, new Set(["attn.qkv_proj*"]))
 */
export function checkFormatsUsed(s: TrainingScenario, used: ReadonlySet<string>): void {
  for (const [i, format] of s.precision.operatorFormats.entries())
    for (const [j, glob] of format.operators.entries())
      if (!used.has(glob))
        throw new SupernodeError(
          "invalid-value",
          `precision.operatorFormats: ${glob} matches no operator of ${s.model.id} (operator names as in \`supernode roofline\`, e.g. attn.qkv_proj*, moe.experts*, mtp*)`,
          { file: s.fileName, fieldPath: ["precision", "operatorFormats", i, "operators", j] },
        );
}
