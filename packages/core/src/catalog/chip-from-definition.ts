/**
 * A validated chip definition (file units) → the SI `Chip` of hardware/types.ts.
 */
import type { Chip, ChipLinkSpec, Dtype, Origin } from "../hardware/index.ts";
import { type ChipDefinition, GIGA, type Sourced, TERA } from "../spec/index.ts";
import { type SourceRegistry, toSourced, toSourcedOptional } from "./source-links.ts";

type LinkDefinition = NonNullable<ChipDefinition["scaleUp"]>;

function link(def: LinkDefinition | undefined, registry: SourceRegistry): ChipLinkSpec | undefined {
  if (def === undefined) return undefined;
  const links = toSourcedOptional(def.links, registry);
  return {
    technology: def.technology,
    bandwidthBytesPerSPerDirection: toSourced(def.bandwidthGBpsPerDirection, registry, GIGA),
    ...(links === undefined ? {} : { links }),
  };
}

/** Formats a chip file may list a tensor peak for (int4 is a storage format only; no peak is read). */
const PEAK_DTYPES = [
  "fp32",
  "tf32",
  "bf16",
  "fp16",
  "fp8",
  "int8",
  "fp4",
] as const satisfies readonly Dtype[];

/** @example chipFromDefinition(def, registry, { kind: "builtin", file: "chips/h100-sxm.yaml" }) */
export function chipFromDefinition(def: ChipDefinition, registry: SourceRegistry, origin: Origin): Chip {
  const peak: Partial<Record<Dtype, Sourced<number>>> = {};
  for (const dtype of PEAK_DTYPES) {
    const field = def.peakTflops[dtype];
    if (field !== undefined) peak[dtype] = toSourced(field, registry, TERA);
  }
  const scaleUp = link(def.scaleUp, registry);
  const scaleOut = link(def.scaleOut, registry);
  const dieToDie = link(def.dieToDie, registry);
  const tdpW = toSourcedOptional(def.tdpW, registry);
  const cores = toSourcedOptional(def.cores, registry);
  return {
    id: def.id,
    name: def.name,
    vendor: def.vendor,
    kind: def.kind,
    origin,
    dies:
      def.dies === undefined
        ? { value: 1, sources: [], tag: "assumption", note: "die count not given: one die assumed" }
        : toSourced(def.dies, registry),
    diesAreDevices: def.diesAreDevices,
    peakFlopsPerS: peak,
    memory: {
      technology: def.memory.technology,
      capacityBytes: toSourced(def.memory.capacityGB, registry, GIGA),
      ...(def.memory.addressableGB !== undefined
        ? { addressableBytes: toSourced(def.memory.addressableGB, registry, GIGA) }
        : {}),
      bandwidthBytesPerS: toSourced(def.memory.bandwidthGBps, registry, GIGA),
    },
    ...(scaleUp === undefined ? {} : { scaleUp }),
    ...(scaleOut === undefined ? {} : { scaleOut }),
    ...(dieToDie === undefined ? {} : { dieToDie }),
    ...(tdpW === undefined ? {} : { tdpW }),
    ...(cores === undefined ? {} : { cores }),
    ...(def.notes === undefined ? {} : { notes: def.notes }),
  };
}
