/**
 * The schema of an engine's fused-MoE kernel-config file
 * (`packages/core/data/efficiency/kernel-configs/<engine>-fused-moe.yaml`): per release range, the
 * row tile (BLOCK_SIZE_M) the engine's default-config rule gives, and the tuned config files the
 * engine ships — by device name, local experts, intermediate slice and weight format — with their
 * row tile per token-count key, plus the shapes looked up and found absent. Read by
 * `fused-moe-row-tile.ts`; every entry cites a key of the file's `sources:` block.
 */
import { z } from "zod";
import {
  ENGINE_NAMES,
  EVIDENCE_TAGS,
  readSourceDocument,
  SupernodeError,
  sourceKeysSchema,
  validateDocument,
} from "../spec/index.ts";
import { fractionSchema, sourceEntrySchema } from "./efficiency-file.ts";
import { checkSourceKey, failAt } from "./efficiency-file-read.ts";
import { checkUntilAfterFrom, rangesOverlap, releaseRangeSchema } from "./release-range.ts";

const positiveInt = z.number().int().positive();

/** One step of a default rule: the row tile while the token count is at most the bound (absent: any). */
const ruleStepSchema = z
  .object({
    /** The step applies while the call's token count M is at most this. */
    upToTokens: positiveInt.optional(),
    /** The step applies while M is at most this many times the rank's experts (`M <= E`: 1). */
    upToTokensPerExpert: z.number().positive().optional(),
    blockM: positiveInt,
    /**
     * The weight stream of the step's config for 16-bit weights, as a fraction of HBM bandwidth, where
     * it was measured to differ from the grouped-GEMM class's (the kernel's tile sets how fast it
     * streams); absent: the class's. Not applied to FP8 weights on the same step.
     */
    memoryEfficiency16Bit: fractionSchema.optional(),
  })
  .strict()
  .refine((s) => s.upToTokens === undefined || s.upToTokensPerExpert === undefined, {
    message: "a rule step bounds the tokens by upToTokens or upToTokensPerExpert, not both",
  });

const ruleSchema = z.array(ruleStepSchema).min(1);

const defaultsSchema = z
  .object({
    releases: releaseRangeSchema,
    source: sourceKeysSchema,
    tag: z.enum(EVIDENCE_TAGS),
    note: z.string().min(1),
    /** FP8 weights and activations with block scales (vLLM: dtype fp8_w8a8 with a block_shape). */
    blockQuantFp8: ruleSchema,
    /** Every other format the kernel's default covers: BF16 / FP16, FP8 per-tensor or per-channel. */
    other: ruleSchema,
  })
  .strict();

/** The config file's name fields: vLLM's `dtype=` selector (absent for BF16 / FP16) and block shape. */
const shapeFields = {
  device: z.string().min(1),
  experts: positiveInt,
  intermediate: positiveInt,
  dtype: z.enum(["fp8_w8a8"]).optional(),
  blockShape: z.tuple([positiveInt, positiveInt]).optional(),
};

const tunedSchema = z
  .object({
    ...shapeFields,
    releases: releaseRangeSchema,
    source: sourceKeysSchema,
    tag: z.enum(EVIDENCE_TAGS),
    note: z.string().min(1),
    /** BLOCK_SIZE_M per token-count key of the file. */
    blockM: z.record(
      z.string().regex(/^[1-9]\d*$/, { error: 'expected a token count key such as "64"' }),
      positiveInt,
    ),
  })
  .strict();

const absentSchema = z.object({ ...shapeFields, note: z.string().min(1) }).strict();

export const fusedMoeConfigFileSchema = z
  .object({
    engine: z.enum(ENGINE_NAMES),
    description: z.string().min(1),
    sources: z.record(z.string(), sourceEntrySchema),
    /** Catalog chip id → the device name the engine's config files are named by. */
    devices: z.array(z.object({ chip: z.string().min(1), name: z.string().min(1) }).strict()).min(1),
    defaults: z.array(defaultsSchema).min(1),
    tuned: z.array(tunedSchema),
    absent: z.array(absentSchema),
  })
  .strict();

export type FusedMoeConfigFile = z.output<typeof fusedMoeConfigFileSchema>;
export type FusedMoeDefaults = FusedMoeConfigFile["defaults"][number];
export type FusedMoeRuleStep = FusedMoeDefaults["other"][number];

/** The path of an engine's fused-MoE config file. */
export function fusedMoeConfigPath(engine: string): string {
  return `efficiency/kernel-configs/${engine}-fused-moe.yaml`;
}

/**
 * Reads and validates one config file: schema, source keys, release ranges, a last rule step with
 * no bound, no shape listed twice (tuned in overlapping releases, or both tuned and absent).
 * @example readFusedMoeConfigFile("efficiency/kernel-configs/vllm-fused-moe.yaml", embeddedDataFiles).engine // "vllm"
 */
export function readFusedMoeConfigFile(
  path: string,
  files: Readonly<Record<string, string>>,
): FusedMoeConfigFile {
  const text = files[path];
  if (text === undefined)
    throw new SupernodeError("unknown-id", `no fused-MoE kernel-config file ${path} in the catalog`, {
      file: path,
    });
  const doc = readSourceDocument(text, path);
  const file = validateDocument(doc, fusedMoeConfigFileSchema);
  file.defaults.forEach((d, i) => {
    checkSourceKey(doc, file.sources, d.source, ["defaults", i, "source"]);
    checkUntilAfterFrom(doc, d.releases, ["defaults", i, "releases"]);
    for (const rule of ["blockQuantFp8", "other"] as const) {
      const steps = d[rule];
      const last = steps[steps.length - 1];
      steps.forEach((step, k) => {
        if (step.memoryEfficiency16Bit !== undefined)
          checkSourceKey(doc, file.sources, step.memoryEfficiency16Bit.source, [
            "defaults",
            i,
            rule,
            k,
            "memoryEfficiency16Bit",
            "source",
          ]);
      });
      if (last?.upToTokens !== undefined || last?.upToTokensPerExpert !== undefined)
        failAt(
          doc,
          ["defaults", i, rule, steps.length - 1],
          `the last step of defaults[${i}].${rule} must have no bound (it covers every larger token count)`,
        );
    }
    file.defaults.slice(0, i).forEach((e, j) => {
      if (rangesOverlap(d.releases, e.releases))
        failAt(
          doc,
          ["defaults", i, "releases"],
          `defaults[${i}] and defaults[${j}] cover the same releases; expected disjoint ranges`,
        );
    });
  });
  file.tuned.forEach((t, i) => {
    checkSourceKey(doc, file.sources, t.source, ["tuned", i, "source"]);
    checkUntilAfterFrom(doc, t.releases, ["tuned", i, "releases"]);
    file.tuned.slice(0, i).forEach((u, j) => {
      if (shapeKey(t) === shapeKey(u) && rangesOverlap(t.releases, u.releases))
        failAt(
          doc,
          ["tuned", i],
          `tuned[${i}] and tuned[${j}] are the same file (${shapeKey(t)}) in overlapping releases`,
        );
    });
  });
  file.absent.forEach((a, i) => {
    if (file.tuned.some((t) => shapeKey(t) === shapeKey(a)))
      failAt(doc, ["absent", i], `absent[${i}] (${shapeKey(a)}) is also listed under tuned`);
  });
  return file;
}

/** vLLM's config file name for a shape (without `.json`). */
export function shapeKey(s: {
  readonly device: string;
  readonly experts: number;
  readonly intermediate: number;
  readonly dtype?: string;
  readonly blockShape?: readonly [number, number];
}): string {
  const dtype = s.dtype === undefined ? "" : `,dtype=${s.dtype}`;
  const block = s.blockShape === undefined ? "" : `,block_shape=[${s.blockShape.join(",")}]`;
  return `E=${s.experts},N=${s.intermediate},device_name=${s.device}${dtype}${block}`;
}
