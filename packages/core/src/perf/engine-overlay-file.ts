/**
 * The schema of an engine efficiency overlay file (`packages/core/data/efficiency/engines/<engine>/<family>.yaml`; an
 * engine's files are merged by `engine-overlay-set.ts`):
 * per serving engine, the kernel backends it can run and, per backend and chip architecture, the
 * values of the chip's efficiency profile that backend replaces (same fields and units as
 * `data/efficiency/<chip>.yaml`, each with source and tag, `calibratedOn` where fitted). Also reads
 * one file, checking that every value cites a key of its `sources:` block.
 */
import { z } from "zod";
import { OPERATOR_CLASSES } from "../model/index.ts";
import {
  ENGINE_NAMES,
  EVIDENCE_TAGS,
  engineReleaseSchema,
  readSourceDocument,
  type SourceDocument,
  SupernodeError,
  scenarioDtypeSchema,
  sourceKeysSchema,
  validateDocument,
} from "../spec/index.ts";
import { classEfficiencySchema, sourceEntrySchema } from "./efficiency-file.ts";
import { checkClassSourceKeys, checkSourceKey, failAt } from "./efficiency-file-read.ts";
import { checkUntilAfterFrom, coversRelease, releaseRangeSchema } from "./release-range.ts";

/**
 * Which kernel choice a backend is: the attention kernels, the MoE expert GEMMs, or the dense linears
 * (the engine's own linear method, e.g. vLLM's block-FP8 `Fp8LinearMethod`; no scenario field names
 * it: only the engine's default applies).
 */
export const BACKEND_KINDS = ["attention", "moe", "linear"] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

/** What a model's attention is, for an engine's default backend (it picks per model family). */
export const MODEL_ATTENTION_KINDS = ["mla-dense", "mla-sparse", "gqa"] as const;
export type ModelAttentionKind = (typeof MODEL_ATTENTION_KINDS)[number];

/**
 * The engine releases an overlay applies to: from `from` (inclusive) up to `until` (exclusive; absent:
 * every later release), and the releases its values were read at (kernel tables, source files), which
 * must lie in that range. A scenario naming a release outside it does not get the overlay; one naming no
 * release runs the newest, which only an overlay without `until` covers.
 */
const releaseBoundsSchema = releaseRangeSchema
  .extend({
    readAt: z.array(engineReleaseSchema).min(1),
    source: sourceKeysSchema,
    tag: z.enum(EVIDENCE_TAGS),
    note: z.string().min(1),
  })
  .strict();

/**
 * The test an engine applies to each MoE call before it runs this backend (vLLM 0.11's
 * `fused_experts(allow_deep_gemm=True)` → `_valid_deep_gemm`): the call's tokens (the op's `M`) at
 * least `minTokens`, the rank's expert intermediate slice (`N`) above `intermediateAbove`, and `N`
 * and the hidden size (`K`) multiples of `multipleOf`. A call that fails runs backend `otherwise`
 * (perf/moe-call-backend.ts).
 */
const perCallSchema = z
  .object({
    minTokens: z.number().int().positive(),
    intermediateAbove: z.number().int().nonnegative(),
    multipleOf: z.number().int().positive(),
    otherwise: z.string().min(1),
    source: sourceKeysSchema,
    tag: z.enum(EVIDENCE_TAGS),
    note: z.string().min(1),
  })
  .strict();

const overlaySchema = z
  .object({
    /** Stable id, e.g. `sglang-trtllm-mla-sm100`. */
    id: z.string().min(1),
    description: z.string().min(1),
    /** The engine releases the overlay describes (see `releaseBoundsSchema`). */
    releases: releaseBoundsSchema,
    /**
     * The chip family: a chip belongs when its efficiency profile reads one of these chips' files
     * (`b200` covers GB200 and GB300, whose files extend it).
     */
    architecture: z.object({ name: z.string().min(1), chips: z.array(z.string().min(1)).min(1) }).strict(),
    backend: z
      .object({
        kind: z.enum(BACKEND_KINDS),
        /** The engine's name for it (SGLang `--attention-backend trtllm_mla`). */
        name: z.string().min(1),
        /**
         * Models whose attention is of these kinds get this backend when the scenario names none
         * (the engine's own default on this architecture, from its source). A `linear` backend is the
         * engine's one linear method for its checkpoint formats: it applies to every model (list none).
         */
        defaultFor: z.array(z.enum(MODEL_ATTENTION_KINDS)),
        /**
         * The engine's default only for routed experts in these weight formats (its MoE oracle picks
         * per format: vLLM's FlashInfer TRT-LLM kernels for NVFP4 on Blackwell, not for INT4); absent:
         * every format. A scenario that names the backend gets it whatever the format.
         */
        defaultForExpertWeights: z.array(scenarioDtypeSchema).min(1).optional(),
        /** Where the engine picks this MoE backend per call (see `perCallSchema`); absent: every call. */
        perCall: perCallSchema.optional(),
        source: sourceKeysSchema,
        tag: z.enum(EVIDENCE_TAGS),
        note: z.string().min(1),
      })
      .strict(),
    /**
     * Layer operators the backend's kernel runs inside the op its values were measured on (TensorRT-LLM's
     * context attention op: RoPE and the KV-cache write before the FMHA kernel): in steps of `phase`
     * they are not charged beside it, their time being in the values fitted to that op.
     */
    includesOperators: z
      .object({
        phase: z.enum(["prefill", "decode"]),
        operators: z.array(z.string().regex(/^[a-z_]+\.[a-z_.]+$/)).min(1),
        source: sourceKeysSchema,
        tag: z.enum(EVIDENCE_TAGS),
        note: z.string().min(1),
      })
      .strict()
      .optional(),
    /** The profile values the backend replaces, per operator class. */
    classes: z
      .object(Object.fromEntries(OPERATOR_CLASSES.map((cls) => [cls, classEfficiencySchema.optional()])))
      .strict(),
  })
  .strict();

export const engineOverlayFileSchema = z
  .object({
    engine: z.enum(ENGINE_NAMES),
    description: z.string().min(1),
    sources: z.record(z.string(), sourceEntrySchema),
    /** Backend names the engine accepts, per kind (a scenario naming another is refused). */
    backends: z
      .object({
        attention: z.array(z.string().min(1)).optional(),
        moe: z.array(z.string().min(1)).optional(),
        linear: z.array(z.string().min(1)).optional(),
      })
      .strict(),
    overlays: z.array(overlaySchema),
  })
  .strict();

export type EngineOverlayFile = z.output<typeof engineOverlayFileSchema>;
export type EngineOverlayEntry = EngineOverlayFile["overlays"][number];

/**
 * Reads and validates one overlay file: schema, source keys, unique ids, known backend names.
 * @example readEngineOverlayFile("efficiency/engines/sglang/attention-decode.yaml", embeddedDataFiles).engine === "sglang"
 */
export function readEngineOverlayFile(
  path: string,
  files: Readonly<Record<string, string>>,
): EngineOverlayFile {
  const text = files[path];
  if (text === undefined)
    throw new SupernodeError("unknown-id", `no engine overlay file ${path} in the catalog`, { file: path });
  const doc = readSourceDocument(text, path);
  const file = validateDocument(doc, engineOverlayFileSchema);
  const seen = new Set<string>();
  file.overlays.forEach((overlay, i) => {
    if (seen.has(overlay.id)) failAt(doc, ["overlays", i, "id"], `overlay id "${overlay.id}" is used twice`);
    seen.add(overlay.id);
    const known = file.backends[overlay.backend.kind];
    if (known !== undefined && !known.includes(overlay.backend.name))
      failAt(
        doc,
        ["overlays", i, "backend", "name"],
        `backend "${overlay.backend.name}" is not among the ${overlay.backend.kind} backends listed in backends.${overlay.backend.kind} (${known.join(", ")})`,
      );
    if (overlay.backend.kind === "linear") checkLinearAppliesToEveryModel(doc, overlay, i);
    checkReleaseBounds(doc, overlay, i);
    checkSourceKey(doc, file.sources, overlay.releases.source, ["overlays", i, "releases", "source"]);
    checkSourceKey(doc, file.sources, overlay.backend.source, ["overlays", i, "backend", "source"]);
    const perCall = overlay.backend.perCall;
    if (perCall !== undefined) {
      if (overlay.backend.kind !== "moe")
        failAt(
          doc,
          ["overlays", i, "backend", "perCall"],
          `overlay "${overlay.id}": only a moe backend is picked per call; expected no perCall on a ${overlay.backend.kind} backend`,
        );
      checkSourceKey(doc, file.sources, perCall.source, ["overlays", i, "backend", "perCall", "source"]);
    }
    if (overlay.includesOperators !== undefined)
      checkSourceKey(doc, file.sources, overlay.includesOperators.source, [
        "overlays",
        i,
        "includesOperators",
        "source",
      ]);
    for (const [cls, entry] of Object.entries(overlay.classes))
      if (entry !== undefined)
        checkClassSourceKeys(doc, file.sources, entry, ["overlays", i, "classes", cls]);
  });
  return file;
}

/**
 * A linear backend is the engine's one linear method, applied to every model it runs on the chips:
 * a model filter (`defaultFor`, `defaultForExpertWeights`) would be ignored, so it is refused.
 */
function checkLinearAppliesToEveryModel(doc: SourceDocument, overlay: EngineOverlayEntry, i: number): void {
  if (overlay.backend.defaultFor.length > 0)
    failAt(
      doc,
      ["overlays", i, "backend", "defaultFor"],
      `overlay "${overlay.id}": a linear backend applies to every model of the engine on its chips; expected defaultFor: [] (got ${overlay.backend.defaultFor.join(", ")})`,
    );
  if (overlay.backend.defaultForExpertWeights !== undefined)
    failAt(
      doc,
      ["overlays", i, "backend", "defaultForExpertWeights"],
      `overlay "${overlay.id}": a linear backend applies to every model of the engine on its chips; expected no defaultForExpertWeights`,
    );
}

/** `until` after `from`, and every release the values were read at inside [from, until). */
function checkReleaseBounds(doc: SourceDocument, overlay: EngineOverlayEntry, i: number): void {
  const { from, until, readAt } = overlay.releases;
  checkUntilAfterFrom(doc, overlay.releases, ["overlays", i, "releases"], `overlay "${overlay.id}": `);
  readAt.forEach((release, j) => {
    if (!coversRelease(overlay, release))
      failAt(
        doc,
        ["overlays", i, "releases", "readAt", j],
        `overlay "${overlay.id}": its values were read at release "${release}", outside its releases (from "${from}"${until !== undefined ? ` until "${until}"` : ""}); expected from <= readAt < until`,
      );
  });
}
