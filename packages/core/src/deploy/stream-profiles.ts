/**
 * Microbatch-overlap stream profiles (data/deploy/stream-profiles.yaml): which operator groups run
 * on which concurrent stream, and which share of the device each stream gets. Loaded once from
 * the embedded data files; every share carries its source.
 */

import { z } from "zod";
import { parseBuiltinData } from "../catalog/index.ts";
import {
  calibratedOnSchema,
  type EvidenceTag,
  nearestNames,
  type Sourced,
  type SourceRef,
  SupernodeError,
} from "../spec/index.ts";

/** What an operator (or a collective) of a layer does, for breakdowns and stream assignment. */
export type OperatorGroup =
  | "norms"
  | "attention"
  | "attention-comm"
  | "moe-gate"
  | "dispatch"
  | "experts"
  | "shared-experts"
  | "combine"
  | "dense-ffn"
  | "ffn-comm";

export const OPERATOR_GROUPS: readonly OperatorGroup[] = [
  "norms",
  "attention",
  "attention-comm",
  "moe-gate",
  "dispatch",
  "experts",
  "shared-experts",
  "combine",
  "dense-ffn",
  "ffn-comm",
];

export interface StreamSpec {
  readonly name: string;
  readonly groups: readonly OperatorGroup[];
  /** Share of the device's compute and memory bandwidth this stream runs with (0 = engines only). */
  readonly computeShare: Sourced<number>;
}

/**
 * A part of one microbatch's layer in a windowed schedule: an operator group, or the attention and
 * norm items before (`attention-pre`) or from (`attention-post`) the attention core on.
 */
export type ScheduleSegment = OperatorGroup | "attention-pre" | "attention-post";

/** One stage of a windowed schedule: compute of one microbatch while transfers of another run. */
export interface ScheduleStage {
  readonly compute: readonly ScheduleSegment[];
  readonly transfer: readonly ScheduleSegment[];
}

/**
 * The order in which an engine interleaves two microbatches (DeepSeek's two-batch overlap): the
 * stages of one whole layer, each a compute part of one microbatch and the transfers of the other
 * that run behind it. A stage lasts max(Σ compute, Σ transfer): a transfer hides only behind the
 * compute of its own stage, and the next stage waits for it.
 */
export interface OverlapSchedule {
  readonly microbatches: number;
  readonly stages: readonly ScheduleStage[];
  readonly source: SourceRef;
  readonly tag: EvidenceTag;
  readonly note?: string;
}

export interface StreamProfile {
  readonly id: string;
  readonly description: string;
  readonly streams: readonly StreamSpec[];
  /** Windowed stage order of the microbatches (when absent, the streams run freely). */
  readonly schedule?: OverlapSchedule;
  /**
   * The engine re-balances the split of the cores between the two streams to the batch (in whole
   * units of `units` cores); the stream shares are then the split at the reference operating point.
   */
  readonly adaptiveSplit?: { readonly units: number; readonly source: SourceRef; readonly note?: string };
}

export type StreamRole = "prefill" | "decode" | "colocated";

const groupSchema = z.enum(OPERATOR_GROUPS as [OperatorGroup, ...OperatorGroup[]]);
const SEGMENTS: readonly ScheduleSegment[] = [...OPERATOR_GROUPS, "attention-pre", "attention-post"];
const segmentSchema = z.enum(SEGMENTS as [ScheduleSegment, ...ScheduleSegment[]]);
const scheduleSchema = z.strictObject({
  microbatches: z.number().int().min(2),
  source: z.string(),
  tag: z.enum(["measured", "spec", "estimate", "derived", "assumption"]),
  note: z.string().optional(),
  stages: z
    .array(z.strictObject({ compute: z.array(segmentSchema), transfer: z.array(segmentSchema) }))
    .min(1),
});
const fileSchema = z.strictObject({
  sources: z.array(
    z.strictObject({ key: z.string(), title: z.string(), url: z.string(), section: z.string().optional() }),
  ),
  profiles: z
    .array(
      z.strictObject({
        id: z.string(),
        description: z.string(),
        streams: z
          .array(
            z.strictObject({
              name: z.string(),
              groups: z.array(groupSchema).min(1),
              computeShare: z.strictObject({
                value: z.number().min(0).max(1),
                source: z.string(),
                tag: z.enum(["measured", "spec", "estimate", "derived", "assumption"]),
                note: z.string().optional(),
                calibratedOn: calibratedOnSchema.optional(),
              }),
            }),
          )
          .min(2),
        adaptiveSplit: z
          .strictObject({ units: z.number().int().min(2), source: z.string(), note: z.string().optional() })
          .optional(),
        schedule: scheduleSchema.optional(),
      }),
    )
    .min(1),
  defaults: z.array(
    z.strictObject({
      chipVendor: z.string(),
      role: z.enum(["prefill", "decode", "colocated"]),
      profile: z.string(),
    }),
  ),
  fallbackProfile: z.string(),
});

const FILE = "deploy/stream-profiles.yaml";

interface LoadedProfiles {
  readonly profiles: ReadonlyMap<string, StreamProfile>;
  readonly defaults: ReadonlyArray<{ chipVendor: string; role: StreamRole; profile: string }>;
  readonly fallback: string;
}

let cache: LoadedProfiles | undefined;

function load(): LoadedProfiles {
  if (cache !== undefined) return cache;
  const doc = parseBuiltinData(FILE, fileSchema);
  const sources = new Map<string, SourceRef>(doc.sources.map((s) => [s.key, s]));
  const profiles = new Map<string, StreamProfile>();
  for (const p of doc.profiles) {
    const streams = p.streams.map((s): StreamSpec => {
      const source = sources.get(s.computeShare.source);
      if (source === undefined)
        throw new SupernodeError("invalid-value", `unknown source key ${s.computeShare.source}`, {
          file: FILE,
          fieldPath: ["profiles", p.id, "streams", s.name],
        });
      const share: Sourced<number> = {
        value: s.computeShare.value,
        sources: [source],
        tag: s.computeShare.tag as EvidenceTag,
        ...(s.computeShare.note !== undefined ? { note: s.computeShare.note } : {}),
      };
      return { name: s.name, groups: s.groups, computeShare: share };
    });
    let adaptiveSplit: StreamProfile["adaptiveSplit"];
    if (p.adaptiveSplit !== undefined) {
      const source = sources.get(p.adaptiveSplit.source);
      if (source === undefined)
        throw new SupernodeError("invalid-value", `unknown source key ${p.adaptiveSplit.source}`, {
          file: FILE,
          fieldPath: ["profiles", p.id, "adaptiveSplit", "source"],
        });
      if (p.streams.length !== 2)
        throw new SupernodeError("invalid-value", "adaptiveSplit needs exactly two streams", {
          file: FILE,
          fieldPath: ["profiles", p.id, "adaptiveSplit"],
        });
      adaptiveSplit = {
        units: p.adaptiveSplit.units,
        source,
        ...(p.adaptiveSplit.note !== undefined ? { note: p.adaptiveSplit.note } : {}),
      };
    }
    const schedule = p.schedule !== undefined ? loadSchedule(p.id, p.schedule, sources) : undefined;
    profiles.set(p.id, {
      id: p.id,
      description: p.description,
      streams,
      ...(adaptiveSplit !== undefined ? { adaptiveSplit } : {}),
      ...(schedule !== undefined ? { schedule } : {}),
    });
  }
  cache = { profiles, defaults: doc.defaults, fallback: doc.fallbackProfile };
  return cache;
}

/**
 * Checks a schedule: its source exists, and every segment appears once per microbatch (the stages
 * cover one whole layer of every microbatch), never as both compute and transfer.
 */
function loadSchedule(
  profileId: string,
  raw: z.infer<typeof scheduleSchema>,
  sources: ReadonlyMap<string, SourceRef>,
): OverlapSchedule {
  const fieldPath = ["profiles", profileId, "schedule"];
  const source = sources.get(raw.source);
  if (source === undefined)
    throw new SupernodeError("invalid-value", `unknown source key ${raw.source}`, { file: FILE, fieldPath });
  const count = new Map<string, { compute: number; transfer: number }>();
  for (const stage of raw.stages)
    for (const side of ["compute", "transfer"] as const)
      for (const seg of stage[side]) {
        const c = count.get(seg) ?? { compute: 0, transfer: 0 };
        c[side] += 1;
        count.set(seg, c);
      }
  for (const [seg, c] of count) {
    if (c.compute > 0 && c.transfer > 0)
      throw new SupernodeError("invalid-value", `schedule segment ${seg} is both compute and transfer`, {
        file: FILE,
        fieldPath,
      });
    if (c.compute + c.transfer !== raw.microbatches)
      throw new SupernodeError(
        "invalid-value",
        `schedule segment ${seg} appears ${c.compute + c.transfer} times; expected once per microbatch (${raw.microbatches})`,
        { file: FILE, fieldPath },
      );
  }
  return {
    microbatches: raw.microbatches,
    stages: raw.stages,
    source,
    tag: raw.tag as EvidenceTag,
    ...(raw.note !== undefined ? { note: raw.note } : {}),
  };
}

/** Ids of the built-in stream profiles. @example streamProfileIds().includes("cloudmatrix-aic-aiv-split") */
export function streamProfileIds(): string[] {
  return [...load().profiles.keys()];
}

/**
 * A stream profile by id, or the default for a chip vendor and role when `id` is undefined.
 * @example streamProfile(undefined, "Huawei", "decode").id === "cloudmatrix-aic-aiv-split"
 */
export function streamProfile(id: string | undefined, chipVendor: string, role: StreamRole): StreamProfile {
  const loaded = load();
  const wanted =
    id ??
    loaded.defaults.find((d) => d.chipVendor === chipVendor && d.role === role)?.profile ??
    loaded.fallback;
  const profile = loaded.profiles.get(wanted);
  if (profile === undefined) {
    const near = nearestNames(wanted, [...loaded.profiles.keys()]);
    throw new SupernodeError(
      "unknown-id",
      `unknown stream profile "${wanted}"${near.length > 0 ? ` (did you mean ${near.join(", ")}?)` : ""}; known: ${[...loaded.profiles.keys()].join(", ")}`,
    );
  }
  return profile;
}
