/**
 * Zod schemas of hardware files: chips, systems and cluster fabrics, built-in or the user's.
 *
 * A file has a `sources:` map (key → {title, url, section?}) and one or more definitions
 * (`chip:`/`system:`/`fabric:` or the lists `chips:`/`systems:`/`fabrics:`). Every numeric field
 * is a sourced value `{value, source, section?, tag?, note?, alternatives?}` (or a bare number in a
 * user file, then sourced to that file), in the unit its name carries (`capacityGB`,
 * `bandwidthGBps`, `tdpW`, `hopLatencyNs`, peak TFLOPS per dtype). The loader converts to SI once.
 * See docs/hardware-files.md.
 */
import { z } from "zod";
import { idSchema, sourcedNumber, strict } from "./sourced-number-schema.ts";

const linkSchema = (what: string) =>
  strict(
    {
      technology: z.string({ error: "expected a technology label (e.g. NVLink 5, UB, RoCE 400GbE)" }),
      bandwidthGBpsPerDirection: sourcedNumber("GB/s per direction"),
      links: sourcedNumber("links", "count").optional(),
    },
    what,
  );

const dtypeShape = {
  fp32: sourcedNumber("TFLOPS").optional(),
  tf32: sourcedNumber("TFLOPS").optional(),
  bf16: sourcedNumber("TFLOPS").optional(),
  fp16: sourcedNumber("TFLOPS").optional(),
  fp8: sourcedNumber("TFLOPS").optional(),
  int8: sourcedNumber("TOPS").optional(),
  fp4: sourcedNumber("TFLOPS").optional(),
};

/** One chip (accelerator package or CPU socket), in file units. */
export const chipDefinitionSchema = strict(
  {
    id: idSchema,
    extends: idSchema.optional(),
    name: z.string({ error: "expected a display name" }),
    vendor: z.string({ error: "expected a vendor name" }),
    kind: z.enum(["accelerator", "cpu"], { error: "expected kind: accelerator or cpu" }),
    dies: sourcedNumber("dies", "count").optional(),
    diesAreDevices: z.boolean({ error: "expected true or false" }).default(false),
    peakTflops: strict(
      dtypeShape,
      "dense peak TFLOPS per dtype (fp32, tf32, bf16, fp16, fp8, int8, fp4)",
    ).default({}),
    memory: strict(
      {
        technology: z.string({ error: "expected a memory technology (e.g. HBM3e)" }),
        capacityGB: sourcedNumber("GB"),
        /** What a program can allocate (CUDA's total memory), when it differs from the rated capacity. */
        addressableGB: sourcedNumber("GB").optional(),
        bandwidthGBps: sourcedNumber("GB/s"),
      },
      "memory {technology, capacityGB, addressableGB?, bandwidthGBps}",
    ),
    scaleUp: linkSchema("scaleUp {technology, bandwidthGBpsPerDirection, links?}").optional(),
    scaleOut: linkSchema("scaleOut {technology, bandwidthGBpsPerDirection, links?}").optional(),
    dieToDie: linkSchema("dieToDie {technology, bandwidthGBpsPerDirection, links?}").optional(),
    tdpW: sourcedNumber("W").optional(),
    cores: sourcedNumber("cores", "count").optional(),
    notes: z.array(z.string()).optional(),
  },
  "a chip",
);
export type ChipDefinition = z.output<typeof chipDefinitionSchema>;

const twoTierClosSchema = strict(
  {
    kind: z.literal("two-tier-clos"),
    technology: z.string({ error: "expected a technology label" }),
    planes: sourcedNumber("planes", "count"),
    l1SwitchesPerNode: sourcedNumber("switch chips", "count"),
    l2SwitchesPerPlane: sourcedNumber("switch chips", "count"),
    l2SwitchPorts: sourcedNumber("ports", "count"),
    l1UplinksPerSwitch: sourcedNumber("links", "count"),
    linkGBps: sourcedNumber("GB/s per direction"),
    hopLatencyNs: sourcedNumber("ns"),
    cpuBandwidthGBps: sourcedNumber("GB/s per direction").optional(),
  },
  "a two-tier-clos scale-up fabric",
);

const singleTierSwitchSchema = strict(
  {
    kind: z.literal("single-tier-switch"),
    technology: z.string({ error: "expected a technology label" }),
    switchChips: sourcedNumber("switch chips", "count"),
    linksPerSwitchPerChip: sourcedNumber("links"),
    linkGBps: sourcedNumber("GB/s per direction"),
    hopLatencyNs: sourcedNumber("ns"),
    /** Overrides the switch generation's flag; without either, false. */
    inSwitchReduction: z.boolean({ error: "expected true or false" }).optional(),
    /** A switch generation id of data/fabric/switch-generations.yaml (e.g. nvlink5-switch). */
    switchGeneration: idSchema.optional(),
    /** Trays holding the switch chips (NVL72: 9); switchChips must be a multiple of it. */
    switchTrays: sourcedNumber("switch trays", "count").optional(),
    /**
     * No switch: the "switch chips" are point-to-point links, one to each peer of the server (a
     * full mesh), so a communicator reaches its members over only the links to them.
     */
    fullMesh: z.boolean({ error: "expected true or false" }).optional(),
  },
  "a single-tier-switch scale-up fabric",
);

const nodeMemberSchema = (what: string) =>
  strict({ chip: idSchema, count: sourcedNumber("chips per node", "count") }, what);

export const POWER_BASES = ["estimate", "nameplate", "nominal", "accelerator-tdp"] as const;

/** One system (a supernode or a server), in file units. */
export const systemDefinitionSchema = strict(
  {
    id: idSchema,
    extends: idSchema.optional(),
    name: z.string({ error: "expected a display name" }),
    vendor: z.string({ error: "expected a vendor name" }),
    nodes: sourcedNumber("nodes", "count"),
    node: strict(
      {
        accelerator: nodeMemberSchema("accelerator {chip, count}"),
        cpu: nodeMemberSchema("cpu {chip, count}").optional(),
        dramGB: sourcedNumber("GB").optional(),
        hostLink: strict(
          {
            technology: z.string({ error: "expected a technology label" }),
            bandwidthGBpsPerDirection: sourcedNumber("GB/s per direction"),
            sharedBy: z.enum(["cpu", "accelerator"], { error: "expected sharedBy: cpu or accelerator" }),
          },
          "hostLink {technology, bandwidthGBpsPerDirection, sharedBy}",
        ).optional(),
      },
      "node {accelerator, cpu?, dramGB?, hostLink?}",
    ),
    scaleUp: z.discriminatedUnion("kind", [twoTierClosSchema, singleTierSwitchSchema], {
      error: "expected scaleUp.kind: two-tier-clos or single-tier-switch",
    }),
    scaleOut: strict(
      {
        technology: z.string({ error: "expected a technology label" }),
        bandwidthGBpsPerChip: sourcedNumber("GB/s per direction"),
        nicsPerNode: sourcedNumber("NICs", "count"),
        defaultFabric: idSchema.optional(),
      },
      "scaleOut {technology, bandwidthGBpsPerChip, nicsPerNode, defaultFabric?}",
    ),
    vpcGBpsPerNode: sourcedNumber("GB/s per direction").optional(),
    racks: strict(
      {
        compute: sourcedNumber("racks", "count"),
        network: sourcedNumber("racks", "nonnegative"),
        computeRackMaxW: sourcedNumber("W").optional(),
        networkRackMaxW: sourcedNumber("W").optional(),
      },
      "racks {compute, network, computeRackMaxW?, networkRackMaxW?}",
    ).optional(),
    power: strict(
      {
        basis: z.enum(POWER_BASES, { error: `expected power.basis: ${POWER_BASES.join(", ")}` }),
        estimateW: sourcedNumber("W").optional(),
        nominalW: sourcedNumber("W").optional(),
        nameplateMaxW: sourcedNumber("W").optional(),
      },
      "power {basis, estimateW?, nominalW?, nameplateMaxW?}",
    ),
  },
  "a system",
);
export type SystemDefinition = z.output<typeof systemDefinitionSchema>;

/** A scale-out fabric for clusters of systems (`data/clusters`). */
export const fabricDefinitionSchema = strict(
  {
    id: idSchema,
    extends: idSchema.optional(),
    name: z.string({ error: "expected a display name" }),
    kind: z.literal("fat-tree", { error: "expected kind: fat-tree" }),
    technology: z.enum(["infiniband", "roce"], { error: "expected technology: infiniband or roce" }),
    tiers: sourcedNumber("switch tiers", "count"),
    railOptimized: z.boolean({ error: "expected true or false" }),
    oversubscription: sourcedNumber("downlink:uplink ratio"),
    switchRadix: sourcedNumber("ports", "count"),
    linkGBps: sourcedNumber("GB/s per direction"),
    hopLatencyNs: sourcedNumber("ns"),
  },
  "a cluster fabric",
);
export type FabricDefinition = z.output<typeof fabricDefinitionSchema>;

const sourceRefSchema = strict(
  {
    title: z.string({ error: "expected a title" }),
    url: z.string({ error: "expected a URL" }).min(1, { error: "expected a URL" }),
    section: z.string().optional(),
  },
  "a source {title, url, section?}",
);

/** A definition before `extends` is applied: only its id and parent are checked here. */
const rawDefinition = z.looseObject({ id: idSchema, extends: idSchema.optional() });
const rawDefinitions = z.array(rawDefinition, { error: "expected a list of definitions" });

/** The envelope of any hardware file; definitions are validated after `extends` is applied. */
export const hardwareFileSchema = strict(
  {
    sources: z
      .record(z.string(), sourceRefSchema, { error: "expected a map key → {title, url, section?}" })
      .default({}),
    chip: rawDefinition.optional(),
    system: rawDefinition.optional(),
    fabric: rawDefinition.optional(),
    chips: rawDefinitions.optional(),
    systems: rawDefinitions.optional(),
    fabrics: rawDefinitions.optional(),
  },
  "a hardware file {sources, chip|system|fabric, or chips|systems|fabrics lists}",
);
export type HardwareFile = z.output<typeof hardwareFileSchema>;
