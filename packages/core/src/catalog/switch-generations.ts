/**
 * Scale-up switch generations (data/fabric/switch-generations.yaml): what a system's switch chips
 * can do, each capability sourced. `inSwitchReduction` (NVLink SHARP, NCCL's NVLS) is read by the
 * collective model through the system's `scaleUp.inSwitchReduction`, resolved from the generation.
 */
import { z } from "zod";
import type { SwitchGeneration } from "../hardware/index.ts";
import { EVIDENCE_TAGS, type SourceRef } from "../spec/index.ts";
import { parseBuiltinData } from "./builtin-data.ts";

const tagSchema = z.enum(EVIDENCE_TAGS);
const fileSchema = z.strictObject({
  sources: z.array(
    z.strictObject({ key: z.string(), title: z.string(), url: z.string(), section: z.string().optional() }),
  ),
  generations: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      inSwitchReduction: z.strictObject({
        value: z.boolean(),
        source: z.union([z.string(), z.array(z.string())]),
        tag: tagSchema,
        note: z.string().optional(),
      }),
    }),
  ),
});

let cache: readonly SwitchGeneration[] | undefined;

/** Every recorded switch generation, with its sources resolved. */
export function switchGenerations(): readonly SwitchGeneration[] {
  if (cache !== undefined) return cache;
  const doc = parseBuiltinData("fabric/switch-generations.yaml", fileSchema);
  const byKey = new Map(doc.sources.map((s) => [s.key, s]));
  const refs = (keys: string | string[]): SourceRef[] =>
    (Array.isArray(keys) ? keys : [keys]).map((k) => {
      const s = byKey.get(k);
      if (s === undefined) throw new Error(`switch-generations.yaml: unknown source key ${k}`);
      return s;
    });
  cache = doc.generations.map((g) => ({
    id: g.id,
    name: g.name,
    inSwitchReduction: {
      value: g.inSwitchReduction.value,
      sources: refs(g.inSwitchReduction.source),
      tag: g.inSwitchReduction.tag,
      ...(g.inSwitchReduction.note !== undefined ? { note: g.inSwitchReduction.note } : {}),
    },
  }));
  return cache;
}
