/**
 * The `workload` section of a scenario document: who sends which requests when. Arrivals are
 * open-loop (Poisson, Gamma with a burstiness, a piecewise rate) or closed-loop (a fixed number of
 * users with a think time), or replayed from a trace file. Prompt and output lengths come from a
 * distribution; requests may share prefixes (for cache reuse). Everything is seeded.
 *
 * @example
 * workload:
 *   arrival: { kind: poisson, ratePerS: 40 }
 *   promptTokens: { kind: fixed, tokens: 4096 }
 *   outputTokens: { kind: lognormal, meanTokens: 256, sigma: 0.5 }
 *   requests: 10000
 *   seed: 7
 */
import { z } from "zod";
import { countUpTo, LIMITS, tokenCount } from "./limits.ts";

const nonNegativeInt = z.number().int().nonnegative();
const positive = z.number().positive();

/** Where a file named in a document is found: relative to that document (the CLI resolves it). */
const filePath = z.string().min(1);

export const lengthDistributionSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("fixed"), tokens: tokenCount }),
  z
    .strictObject({ kind: z.literal("uniform"), minTokens: tokenCount, maxTokens: tokenCount })
    .refine((d) => d.maxTokens >= d.minTokens, { message: "maxTokens must be >= minTokens" }),
  z.strictObject({
    kind: z.literal("normal"),
    meanTokens: positive.max(LIMITS.tokens),
    stddevTokens: z.number().nonnegative(),
    /** Samples are clamped to [minTokens, maxTokens]. */
    minTokens: tokenCount.default(1),
    maxTokens: tokenCount.optional(),
  }),
  z.strictObject({
    kind: z.literal("lognormal"),
    /** Mean of the distribution (not of its logarithm). */
    meanTokens: positive.max(LIMITS.tokens),
    /** Standard deviation of ln(tokens). */
    sigma: z.number().nonnegative(),
    minTokens: tokenCount.default(1),
    maxTokens: tokenCount.optional(),
  }),
  z
    .strictObject({
      kind: z.literal("histogram"),
      /** Inline bins: a sample is `tokens` with probability weight / sum(weights). */
      bins: z
        .array(z.strictObject({ tokens: tokenCount, weight: z.number().nonnegative() }))
        .min(1)
        .optional(),
      /** Or a file (CSV `tokens,weight` or JSON array of `{tokens, weight}`), relative to the document. */
      file: filePath.optional(),
    })
    .refine((d) => (d.bins === undefined) !== (d.file === undefined), {
      message: "a histogram needs exactly one of `bins` or `file`",
    }),
]);
export type LengthDistributionSpec = z.output<typeof lengthDistributionSchema>;

export const arrivalSchema = z.discriminatedUnion("kind", [
  /** Open loop, exponential inter-arrival times. */
  z.strictObject({ kind: z.literal("poisson"), ratePerS: positive.max(LIMITS.ratePerS) }),
  /**
   * Open loop, Gamma inter-arrival times with mean 1/ratePerS. `burstiness` is the squared
   * coefficient of variation of the gaps: 1 is Poisson, > 1 burstier, < 1 more regular.
   */
  z.strictObject({
    kind: z.literal("gamma"),
    ratePerS: positive.max(LIMITS.ratePerS),
    burstiness: positive.max(1e6),
  }),
  /** Open loop, Poisson within each segment, the rate changing from one segment to the next. */
  z.strictObject({
    kind: z.literal("piecewise"),
    segments: z
      .array(
        z.strictObject({
          durationS: positive.max(LIMITS.durationS),
          ratePerS: z.number().nonnegative().max(LIMITS.ratePerS),
        }),
      )
      .min(1),
    /** Start again from the first segment after the last (default); otherwise keep the last rate. */
    repeat: z.boolean().default(true),
  }),
  /** Closed loop: `concurrency` users, each sends its next request `thinkTimeS` after the last completes. */
  z.strictObject({
    kind: z.literal("closed-loop"),
    concurrency: countUpTo(LIMITS.concurrency, "users"),
    thinkTimeS: z.number().nonnegative().default(0),
  }),
  /**
   * Replay of a trace: JSONL (`{"arrivalS":0.1,"promptTokens":512,"outputTokens":128,"prefixId":"a"}`
   * per line) or CSV with a header `arrivalS,promptTokens,outputTokens[,prefixId[,prefixTokens]]`.
   */
  z.strictObject({
    kind: z.literal("trace"),
    file: filePath,
    format: z.enum(["jsonl", "csv"]).optional(),
    /** Multiply arrival times by this (0.5 replays twice as fast). */
    timeScale: positive.default(1),
  }),
]);
export type ArrivalSpec = z.output<typeof arrivalSchema>;

export const prefixSharingSchema = z.strictObject({
  /** Distinct shared prefixes (system prompts, documents, conversation histories). */
  groups: countUpTo(LIMITS.requests, "prefix groups"),
  /** Length of each shared prefix; it is part of the prompt, not added to it. */
  prefixTokens: tokenCount,
  /** Fraction of requests that start with one of the shared prefixes. */
  fraction: z.number().min(0).max(1).default(1),
  /** How requests pick a group: uniformly, or Zipf with exponent `zipfExponent`. */
  popularity: z.enum(["uniform", "zipf"]).default("uniform"),
  zipfExponent: positive.default(1),
});
export type PrefixSharingSpec = z.output<typeof prefixSharingSchema>;

export const priorityClassSchema = z.strictObject({
  name: z.string().min(1),
  /** Lower is served first. */
  priority: nonNegativeInt,
  /** Relative share of requests in this class. */
  weight: positive,
});

export const workloadSchema = z
  .strictObject({
    arrival: arrivalSchema,
    /** Required unless the arrival is a trace (which carries its own lengths). */
    promptTokens: lengthDistributionSchema.optional(),
    outputTokens: lengthDistributionSchema.optional(),
    prefixSharing: prefixSharingSchema.optional(),
    priorityClasses: z.array(priorityClassSchema).min(1).optional(),
    /** Default stopping rule (the CLI's --requests / --duration override). */
    requests: countUpTo(LIMITS.requests, "requests").optional(),
    durationS: positive.max(LIMITS.durationS).optional(),
    /** Default seed (the CLI's --seed overrides). */
    seed: nonNegativeInt.default(1),
  })
  .refine(
    (w) => w.arrival.kind === "trace" || (w.promptTokens !== undefined && w.outputTokens !== undefined),
    {
      message: "promptTokens and outputTokens are required unless arrival.kind is trace",
      path: ["promptTokens"],
    },
  );

/** The parsed, defaulted `workload` section. */
export type WorkloadSpec = z.output<typeof workloadSchema>;
