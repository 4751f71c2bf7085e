/**
 * Protocol and software overheads of each fabric technology and communication library, loaded
 * once from `packages/core/data/fabric/protocols.yaml` (every value with its source). The catalog
 * holds line rates and hop latencies; this file holds what turns them into achieved times.
 */

import { z } from "zod";
import { builtinParsedOnce } from "../catalog/index.ts";
import {
  calibratedOnSchema,
  MICROSECOND,
  parseDocument,
  type Sourced,
  type SourceRef,
  SupernodeError,
  sourceKeysSchema,
} from "../spec/index.ts";

export type TechnologyId = "ub" | "nvlink" | "infiniband" | "roce";
/**
 * Communication libraries. `hccl-aicpu`: HCCL collectives whose algorithm is expanded on the AI CPU
 * (CANN's default on Atlas A3, `HCCL_OP_EXPANSION_MODE` unset), which the engines that leave it so
 * run instead of `hccl` (deploy/engine-profile.ts `hcclExpansion`).
 */
export const LIBRARY_IDS = [
  "hccl",
  "hccl-aicpu",
  "cann-ep",
  "cann-mc2",
  "nccl",
  "deepep",
  "nvlink-one-sided",
] as const;
export type LibraryId = (typeof LIBRARY_IDS)[number];

/**
 * One value per library, in `LIBRARY_IDS` order (the files' schemas and the parsed records).
 * @example byLibrary((id) => id).nccl === "nccl"
 */
export function byLibrary<T>(value: (id: LibraryId) => T): Record<LibraryId, T> {
  return Object.fromEntries(LIBRARY_IDS.map((id) => [id, value(id)])) as Record<LibraryId, T>;
}

export interface TechnologyParams {
  readonly id: TechnologyId;
  readonly match: RegExp;
  readonly readFraction: Sourced<number>;
  readonly writeFraction: Sourced<number>;
  readonly readEndpointLatencyS: Sourced<number>;
  readonly writeEndpointLatencyS: Sourced<number>;
  readonly hopLatencyS: Sourced<number>;
  /** Achievable fraction of line rate for in-switch reduction (NVLink SHARP), when the fabric has it. */
  readonly inSwitchFraction?: Sourced<number>;
  /**
   * Per-generation values (e.g. NVLink 5 against NVLink 4): the first whose `match` fits the
   * catalog's technology label replaces the fractions it gives (`technologyFor` applies it).
   */
  readonly generations: readonly TechnologyGeneration[];
}

export interface TechnologyGeneration {
  readonly match: RegExp;
  readonly readFraction?: Sourced<number>;
  readonly writeFraction?: Sourced<number>;
  readonly inSwitchFraction?: Sourced<number>;
}

export interface LibraryParams {
  readonly id: LibraryId;
  readonly fixedCostS: Sourced<number>;
  /**
   * MoE combine kernels that pull with remote reads: the time a token's reads take, paid however few
   * the tokens and overlapped with the transfer when there are many (`max(read, transfer)`).
   */
  readonly combineReadLatencyS?: Sourced<number>;
  /** Extra fixed cost when a collective crosses the scale-out fabric (NCCL). */
  readonly scaleOutFixedCostS?: Sourced<number>;
  /** Transfers a rank keeps in flight; absent = unbounded (bandwidth-bound). */
  readonly outstandingTransfers?: Sourced<number>;
  /**
   * What the library's normal (throughput) MoE kernels send per token: one copy per destination
   * rank (`rank`), or one per destination scale-up domain over the NICs, fanned out inside it
   * (`node`, DeepEP). Absent: one copy per top-k expert.
   */
  readonly normalModeDeduplication?: Sourced<"rank" | "node">;
  /** The same for the low-latency (decode) kernels; absent: one copy per top-k expert. */
  readonly lowLatencyDeduplication?: Sourced<"rank" | "node">;
  /**
   * Low-latency kernels over the scale-up links (peer-to-peer stores, e.g. DeepEP inside an NVLink
   * domain): a cost per call added to the scale-up part of the transfer, which runs concurrently
   * with the RDMA part (`max(fixed + scale-up transfer, transfer)`). Absent: none.
   */
  readonly lowLatencyScaleUpFixedCostS?: Sourced<number>;
  /** Fraction of the NIC line rate the low-latency kernels' per-token writes reach (absent: the technology's). */
  readonly lowLatencyScaleOutFraction?: Sourced<number>;
  /** Fraction of the scale-up line rate the normal kernels' copies reach (absent: the technology's). */
  readonly normalModeScaleUpFraction?: Sourced<number>;
  /** Fraction of the NIC line rate the normal kernels' RDMA transfers reach (absent: the technology's). */
  readonly normalModeScaleOutFraction?: Sourced<number>;
}

export interface FabricParams {
  readonly technologies: Readonly<Record<TechnologyId, TechnologyParams>>;
  readonly libraries: Readonly<Record<LibraryId, LibraryParams>>;
}

const valueSchema = z
  .object({
    value: z.number().finite().nonnegative(),
    source: sourceKeysSchema,
    tag: z.enum(["measured", "spec", "estimate", "derived", "assumption"]),
    note: z.string().optional(),
    calibratedOn: calibratedOnSchema.optional(),
  })
  .strict();
const techSchema = z
  .object({
    match: z.string().min(1),
    readFraction: valueSchema,
    writeFraction: valueSchema,
    readEndpointLatencyUs: valueSchema,
    writeEndpointLatencyUs: valueSchema,
    hopLatencyUs: valueSchema,
    inSwitchFraction: valueSchema.optional(),
    generations: z
      .array(
        z
          .object({
            match: z.string().min(1),
            readFraction: valueSchema.optional(),
            writeFraction: valueSchema.optional(),
            inSwitchFraction: valueSchema.optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();
const dedupSchema = z
  .object({
    value: z.enum(["rank", "node"]),
    source: sourceKeysSchema,
    tag: z.enum(["measured", "spec", "estimate", "derived", "assumption"]),
    note: z.string().optional(),
    calibratedOn: calibratedOnSchema.optional(),
  })
  .strict();
const libSchema = z
  .object({
    fixedCostUs: valueSchema,
    combineReadLatencyUs: valueSchema.optional(),
    scaleOutFixedCostUs: valueSchema.optional(),
    outstandingTransfers: valueSchema.optional(),
    normalModeDeduplication: dedupSchema.optional(),
    lowLatencyDeduplication: dedupSchema.optional(),
    normalModeScaleUpFraction: valueSchema.optional(),
    lowLatencyScaleOutFraction: valueSchema.optional(),
    lowLatencyScaleUpFixedCostUs: valueSchema.optional(),
    normalModeScaleOutFraction: valueSchema.optional(),
  })
  .strict();
/** Schema of `data/fabric/*.yaml`. */
export const fabricParamsFileSchema = z
  .object({
    sources: z.record(
      z.string(),
      z.object({ title: z.string(), url: z.string().url(), section: z.string().optional() }).strict(),
    ),
    technologies: z
      .object({ ub: techSchema, nvlink: techSchema, infiniband: techSchema, roce: techSchema })
      .strict(),
    libraries: z.object(byLibrary(() => libSchema)).strict(),
  })
  .strict();

type FileValue = z.output<typeof valueSchema>;
type FileSources = z.output<typeof fabricParamsFileSchema>["sources"];

function toSourced(v: FileValue, scale: number, sources: FileSources, file: string): Sourced<number> {
  return { ...toSourcedAny(v, sources, file), value: v.value * scale };
}

function toSourcedAny<T>(
  v: { value: T; source: string | string[]; tag: Sourced<T>["tag"]; note?: string },
  sources: FileSources,
  file: string,
): Sourced<T> {
  const keys = typeof v.source === "string" ? [v.source] : v.source;
  const refs: SourceRef[] = keys.map((key) => {
    const s = sources[key];
    if (s === undefined)
      throw new SupernodeError("invalid-value", `unknown source key "${key}"`, {
        file,
        fieldPath: ["sources"],
      });
    return { key, title: s.title, url: s.url, section: s.section };
  });
  return { value: v.value, sources: refs, tag: v.tag, note: v.note };
}

/**
 * Parses a fabric parameter file's text.
 * @example const p = parseFabricParams(text, "protocols.yaml"); p.technologies.ub.writeFraction.value // 0.699
 */
export function parseFabricParams(text: string, fileName: string): FabricParams {
  const doc = parseDocument(text, fileName, fabricParamsFileSchema);
  const s = (v: FileValue, scale = 1) => toSourced(v, scale, doc.sources, fileName);
  const tech = (id: TechnologyId): TechnologyParams => {
    const t = doc.technologies[id];
    return {
      id,
      match: new RegExp(t.match, "i"),
      readFraction: s(t.readFraction),
      writeFraction: s(t.writeFraction),
      readEndpointLatencyS: s(t.readEndpointLatencyUs, MICROSECOND),
      writeEndpointLatencyS: s(t.writeEndpointLatencyUs, MICROSECOND),
      hopLatencyS: s(t.hopLatencyUs, MICROSECOND),
      inSwitchFraction: t.inSwitchFraction && s(t.inSwitchFraction),
      generations: (t.generations ?? []).map((g) => ({
        match: new RegExp(g.match, "i"),
        readFraction: g.readFraction && s(g.readFraction),
        writeFraction: g.writeFraction && s(g.writeFraction),
        inSwitchFraction: g.inSwitchFraction && s(g.inSwitchFraction),
      })),
    };
  };
  const lib = (id: LibraryId): LibraryParams => {
    const l = doc.libraries[id];
    return {
      id,
      fixedCostS: s(l.fixedCostUs, MICROSECOND),
      combineReadLatencyS: l.combineReadLatencyUs && s(l.combineReadLatencyUs, MICROSECOND),
      scaleOutFixedCostS: l.scaleOutFixedCostUs && s(l.scaleOutFixedCostUs, MICROSECOND),
      outstandingTransfers: l.outstandingTransfers && s(l.outstandingTransfers),
      normalModeDeduplication:
        l.normalModeDeduplication && toSourcedAny(l.normalModeDeduplication, doc.sources, fileName),
      lowLatencyDeduplication:
        l.lowLatencyDeduplication && toSourcedAny(l.lowLatencyDeduplication, doc.sources, fileName),
      normalModeScaleUpFraction: l.normalModeScaleUpFraction && s(l.normalModeScaleUpFraction),
      lowLatencyScaleOutFraction: l.lowLatencyScaleOutFraction && s(l.lowLatencyScaleOutFraction),
      lowLatencyScaleUpFixedCostS:
        l.lowLatencyScaleUpFixedCostUs && s(l.lowLatencyScaleUpFixedCostUs, MICROSECOND),
      normalModeScaleOutFraction: l.normalModeScaleOutFraction && s(l.normalModeScaleOutFraction),
    };
  };
  return {
    technologies: {
      ub: tech("ub"),
      nvlink: tech("nvlink"),
      infiniband: tech("infiniband"),
      roce: tech("roce"),
    },
    libraries: byLibrary(lib),
  };
}

/** The built-in fabric parameters (memoised). @example builtinFabricParams().libraries.nccl.fixedCostS.value // 6e-6 */
export const builtinFabricParams: () => FabricParams = builtinParsedOnce(
  "fabric/protocols.yaml",
  parseFabricParams,
);

const resolved = new WeakMap<FabricParams, Map<string, TechnologyParams | undefined>>();

/**
 * The technology entry whose `match` fits a catalog technology label, if any, with the values of
 * the first generation that fits the label (memoised per parameter set and label).
 * @example technologyFor(params, "NVLink 5")?.writeFraction.value // 0.802 (NVLink 5), 0.822 for "NVLink 4"
 */
export function technologyFor(params: FabricParams, label: string): TechnologyParams | undefined {
  let memo = resolved.get(params);
  if (memo === undefined) {
    memo = new Map();
    resolved.set(params, memo);
  }
  if (memo.has(label)) return memo.get(label);
  let found: TechnologyParams | undefined;
  for (const id of ["ub", "nvlink", "infiniband", "roce"] as const) {
    const t = params.technologies[id];
    if (!t.match.test(label)) continue;
    const g = t.generations.find((x) => x.match.test(label));
    found =
      g === undefined
        ? t
        : {
            ...t,
            readFraction: g.readFraction ?? t.readFraction,
            writeFraction: g.writeFraction ?? t.writeFraction,
            inSwitchFraction: g.inSwitchFraction ?? t.inSwitchFraction,
          };
    break;
  }
  memo.set(label, found);
  return found;
}
