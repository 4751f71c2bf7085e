/**
 * An instance group's layout written as SGLang's launch flags (`deployment.<group>.sglang`), resolved
 * into the group's own fields the way SGLang's `ServerArgs` resolves them (python/sglang/srt/
 * server_args.py: `dp_size` defaults to 1; `_handle_data_parallelism` turns DP attention off when
 * `dp_size == 1` and asserts `tp_size % dp_size == 0` when it is on; the MoE runs `tp_size // ep_size`
 * ways tensor-parallel inside `ep_size`-way expert parallelism, `ep_size` default 1;
 * `moe_dense_tp_size` accepts 1 or None, None keeping the dense FFN at the full TP; the LM head
 * follows the attention group only with `enable_dp_lm_head`, LogitsProcessor's `use_attn_tp_group`).
 *
 * So `--tp 8 --enable-dp-attention` without `--dp-size` is plain TP8 attention, and
 * `--tp 8 --dp-size 8 --enable-dp-attention` is attention TP1 × DP8 over the same 8 ranks.
 * `--dp-size N` without DP attention launches N servers of `tp` ranks each (N instances).
 *
 * @example deployment: { decode: { sglang: { tp: 8, enableDpAttention: true } } } // attention.tp 8, moe ep 1 × tp 8
 */
import { z } from "zod";
import { SupernodeError } from "./errors.ts";
import { rankCount } from "./limits.ts";
import type { SourceDocument } from "./parse-document.ts";

export const sglangParallelSchema = z.strictObject({
  /** `--tp-size` / `--tp`: ranks of one SGLang server. */
  tp: rankCount,
  /** `--dp-size` (default 1). */
  dpSize: rankCount.default(1),
  /** `--enable-dp-attention` (default false; off whatever is written when dpSize is 1). */
  enableDpAttention: z.boolean().default(false),
  /** `--ep-size` (default 1): expert parallelism; the experts run tp ÷ epSize ways tensor-parallel. */
  epSize: rankCount.default(1),
  /** `--moe-dense-tp-size`: 1 runs the dense FFN layers data-parallel; absent keeps them at the full TP. */
  moeDenseTpSize: z.literal(1).optional(),
  /**
   * `--enable-dp-lm-head` (default false): under DP attention the LM head runs in each attention
   * group on its own rows; without it the head's vocabulary is split over the whole TP group, which
   * gathers every rank's rows before it and all-gathers the logits after (`lmHead: { tp, logits:
   * all-gather }`; logits_processor.py).
   */
  enableDpLmHead: z.boolean().default(false),
});
export type SglangParallelSpec = z.output<typeof sglangParallelSchema>;

/** The group fields `sglang` sets; writing one of them beside it is refused. */
const DERIVED = ["chipsPerInstance", "ranksPerInstance"] as const;
const DERIVED_NESTED = { attention: ["tp"], moe: ["ep", "tp"], denseFfn: ["tp"] } as const;

type Issue = { readonly message: string; readonly path: (string | number)[] };

/**
 * The group (`rest`: its fields beside the block) with its parsed `sglang` block `s` replaced by the
 * fields it means (ranks per instance, attention TP, MoE EP × TP, dense FFN TP, instances), or the
 * issues that make it invalid (the group as written passes through then).
 */
function expandSglangParallel(
  group: object,
  rest: Record<string, unknown>,
  s: SglangParallelSpec,
): { value: unknown; issues: Issue[] } {
  const issues: Issue[] = [];
  for (const key of DERIVED)
    if (rest[key] !== undefined)
      issues.push({ message: `${key} is set by sglang.tp (${s.tp} ranks); remove one of them`, path: [key] });
  for (const [parent, keys] of Object.entries(DERIVED_NESTED)) {
    const obj = rest[parent];
    if (typeof obj !== "object" || obj === null) continue;
    for (const key of keys)
      if ((obj as Record<string, unknown>)[key] !== undefined)
        issues.push({
          message: `${parent}.${key} is set by the sglang block; remove one of them`,
          path: [parent, key],
        });
  }
  const dpAttention = s.enableDpAttention && s.dpSize > 1;
  if (dpAttention && s.tp % s.dpSize !== 0)
    issues.push({
      message: `--dp-size ${s.dpSize} does not divide --tp ${s.tp}: SGLang asserts tp_size % dp_size == 0 with DP attention`,
      path: ["sglang", "dpSize"],
    });
  if (s.tp % s.epSize !== 0)
    issues.push({
      message: `--ep-size ${s.epSize} does not divide --tp ${s.tp}: the experts run tp ÷ ep ways tensor-parallel`,
      path: ["sglang", "epSize"],
    });
  if (s.moeDenseTpSize !== undefined && !dpAttention)
    issues.push({
      message: "--moe-dense-tp-size 1 needs DP attention (--enable-dp-attention with --dp-size > 1)",
      path: ["sglang", "moeDenseTpSize"],
    });
  if (issues.length > 0) return { value: group, issues };
  // Without --enable-dp-lm-head, SGLang's head under DP attention spans the whole TP group.
  const tpLmHead = dpAttention && !s.enableDpLmHead;
  if (tpLmHead && rest.lmHead !== undefined)
    issues.push({
      message: "lmHead is set by the sglang block (DP attention without enableDpLmHead); remove one of them",
      path: ["lmHead"],
    });
  if (issues.length > 0) return { value: group, issues };
  const instances = typeof rest.instances === "number" ? rest.instances : 1;
  const nested = (key: string) => (typeof rest[key] === "object" && rest[key] !== null ? rest[key] : {});
  return {
    value: {
      ...rest,
      instances: dpAttention ? instances : instances * s.dpSize,
      ranksPerInstance: s.tp,
      attention: { ...nested("attention"), tp: dpAttention ? s.tp / s.dpSize : s.tp },
      moe: { ...nested("moe"), ep: s.epSize, tp: s.tp / s.epSize },
      denseFfn: { ...nested("denseFfn"), tp: s.moeDenseTpSize ?? s.tp },
      ...(tpLmHead ? { lmHead: { tp: s.tp, logits: "all-gather" } } : {}),
    },
    issues: [],
  };
}

/**
 * Refuses a `sglang` block written in `deployment.<role>` of `doc` under an engine other than SGLang,
 * or none, where it is written: the block is SGLang's launch flags.
 * @example refuseForeignSglangBlock(doc, "decode", "vllm") // throws: "… SGLang's launch flags need engine: { name: sglang } …"
 */
export function refuseForeignSglangBlock(
  doc: SourceDocument,
  role: string,
  engine: string | undefined,
): void {
  const group = (doc.data as { deployment?: Record<string, unknown> } | null)?.deployment?.[role];
  if (engine === "sglang" || typeof group !== "object" || group === null || !("sglang" in group)) return;
  const running = engine === undefined ? "no engine is set" : `the scenario's engine is ${engine}`;
  const path = ["deployment", role, "sglang"];
  const pos = doc.locate(path);
  throw new SupernodeError(
    "invalid-value",
    `SGLang's launch flags need engine: { name: sglang }, but ${running}; set it, or write the group's own fields (ranksPerInstance, attention.tp, moe.ep …)`,
    { file: doc.fileName, line: pos?.line, column: pos?.column, fieldPath: path },
  );
}

/** Wraps an instance-group schema so that it accepts the `sglang` block (validated, then expanded). */
export function withSglangParallel<S extends z.ZodType>(schema: S) {
  return z.preprocess((value, ctx) => {
    if (typeof value !== "object" || value === null || !("sglang" in value)) return value;
    const { sglang: raw, ...rest } = value as Record<string, unknown>;
    const parsed = sglangParallelSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: "custom", message: issue.message, path: ["sglang", ...issue.path.map(String)] });
      return rest;
    }
    const { value: expanded, issues } = expandSglangParallel(value, rest, parsed.data);
    for (const issue of issues)
      ctx.addIssue({ code: "custom", message: issue.message, path: issue.path.map(String) });
    return expanded;
  }, schema);
}
