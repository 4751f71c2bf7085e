/**
 * The resolved, in-memory hardware model: chips, nodes, systems and clusters, in SI units, every
 * value with its source. Produced by the catalog loader from the YAML data files (file units are
 * converted once there); read-only and fully defaulted, so later layers never re-validate.
 */
import type { Sourced } from "../spec/index.ts";

/**
 * Numeric formats with a tensor-engine peak. `int8` peaks are integer ops/s, counted as FLOP/s.
 * `int4` is a storage format of weight-only quantization (W4A16: Kimi K2 Thinking's routed experts);
 * no built-in chip lists int4 tensor math, so its GEMMs compute in the activation format.
 */
export type Dtype = "fp32" | "tf32" | "bf16" | "fp16" | "fp8" | "int8" | "fp4" | "int4";
export const DTYPES: readonly Dtype[] = ["fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4", "int4"];
/** Formats GEMMs can compute in (efficiency profiles give each a compute efficiency); int4 is storage only. */
export const MATH_DTYPES: readonly Dtype[] = ["fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4"];

/** Bytes per element of each format (fp4 and int4 are half a byte; scale overheads are counted by the model layer). */
export const DTYPE_BYTES: Readonly<Record<Dtype, number>> = {
  fp32: 4,
  tf32: 4,
  bf16: 2,
  fp16: 2,
  fp8: 1,
  int8: 1,
  fp4: 0.5,
  int4: 0.5,
};

export type ChipKind = "accelerator" | "cpu";

/** Where a definition came from: built into the catalog, or a user's file (with the path). */
export interface Origin {
  readonly kind: "builtin" | "user";
  readonly file: string;
  /** The id this definition extends, if any. */
  readonly extends?: string;
}

export interface MemorySpec {
  /** e.g. "HBM3e", "LPDDR5X", "DDR5". */
  readonly technology: string;
  readonly capacityBytes: Sourced<number>;
  /**
   * What a program can allocate (CUDA's total memory; engines size their KV cache from it), when
   * it differs from the rated capacity (NVIDIA rates 80 GiB of HBM as "80 GB").
   */
  readonly addressableBytes?: Sourced<number>;
  readonly bandwidthBytesPerS: Sourced<number>;
}

export interface ChipLinkSpec {
  /** Per direction, whole package. */
  readonly bandwidthBytesPerSPerDirection: Sourced<number>;
  /** Number of physical links (NVLink links, UB transceivers) per package, if known. */
  readonly links?: Sourced<number>;
  /** Protocol / generation label, e.g. "NVLink 5", "UB", "RoCE 400GbE". */
  readonly technology: string;
}

export interface Chip {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly kind: ChipKind;
  readonly origin: Origin;
  /** Compute dies per package (the 910C has 2; most GPUs 1; B200 has 2 but is one device). */
  readonly dies: Sourced<number>;
  /** Whether each die is a separately addressed device (true for the 910C: ranks are dies). */
  readonly diesAreDevices: boolean;
  /** Dense peak per format for the whole package. Absent means the chip has no such format. */
  readonly peakFlopsPerS: Readonly<Partial<Record<Dtype, Sourced<number>>>>;
  readonly memory: MemorySpec;
  readonly scaleUp?: ChipLinkSpec;
  readonly scaleOut?: ChipLinkSpec;
  /** Die-to-die link inside the package, per direction. */
  readonly dieToDie?: ChipLinkSpec;
  /** Thermal design power of the package (accelerators) or socket (CPUs). */
  readonly tdpW?: Sourced<number>;
  /** CPU cores (CPUs only). */
  readonly cores?: Sourced<number>;
  /** Other SKUs of the same chip, for `show`. */
  readonly notes?: readonly string[];
}

/** Chips of one kind on a node, and how many. */
export interface NodeMember {
  readonly chip: Chip;
  readonly count: Sourced<number>;
}

/** What one node (a server board or tray) holds. */
export interface NodeSpec {
  readonly accelerator: NodeMember;
  readonly cpu?: NodeMember;
  /** CPU-attached DRAM per node (the pool CloudMatrix's EMS uses). */
  readonly dramBytes?: Sourced<number>;
  /** Accelerator ↔ host-memory link (GB200/GB300: Grace NVLink-C2C); absent: PCIe assumed. */
  readonly hostLink?: HostLinkSpec;
}

/**
 * The scale-up fabric of one system.
 * - `two-tier-clos`: CloudMatrix384's UB: L1 switch chips on each node (one per plane), L2
 *   switch chips per plane, every link `linkBandwidth` per direction, endpoints per die.
 * - `single-tier-switch`: NVLink switch domain (NVL72, HGX NVSwitch): every accelerator has one
 *   or more links to each of `switchChips` switches.
 */
export type ScaleUpFabric =
  | {
      readonly kind: "two-tier-clos";
      readonly technology: string;
      readonly planes: Sourced<number>;
      readonly l1SwitchesPerNode: Sourced<number>;
      readonly l2SwitchesPerPlane: Sourced<number>;
      readonly l2SwitchPorts: Sourced<number>;
      readonly l1UplinksPerSwitch: Sourced<number>;
      readonly linkBandwidthBytesPerS: Sourced<number>;
      readonly hopLatencyS: Sourced<number>;
      /** Per CPU socket, per direction. */
      readonly cpuBandwidthBytesPerS?: Sourced<number>;
    }
  | {
      readonly kind: "single-tier-switch";
      readonly technology: string;
      readonly switchChips: Sourced<number>;
      /** Links from each accelerator to each switch chip. */
      readonly linksPerSwitchPerChip: Sourced<number>;
      readonly linkBandwidthBytesPerS: Sourced<number>;
      readonly hopLatencyS: Sourced<number>;
      /** Whether the switches reduce in-network (NVLink SHARP / NVLS): the generation's flag unless the file overrides it. */
      readonly inSwitchReduction: boolean;
      /** The switch chips' generation (data/fabric/switch-generations.yaml), when the file names one. */
      readonly switchGeneration?: SwitchGeneration;
      /** Trays (boards) holding the switch chips (NVL72: 9 trays × 2 chips); absent when not counted. */
      readonly switchTrays?: Sourced<number>;
      /**
       * True for a full mesh without a switch (Atlas 800T A2's HCCS): each of the `switchChips`
       * "planes" is the link to one peer, so n ranks of one server use n − 1 of them (network/full-mesh.ts).
       */
      readonly fullMesh?: boolean;
    };

/** A scale-up switch generation and its sourced capabilities. */
export interface SwitchGeneration {
  readonly id: string;
  readonly name: string;
  /** In-switch reduction (NVLink SHARP; NCCL's NVLS algorithm). */
  readonly inSwitchReduction: Sourced<boolean>;
}

/** The link between an accelerator and its host CPU's memory (Grace NVLink-C2C), for offload. */
export interface HostLinkSpec {
  readonly technology: string;
  /** Per direction, of one link (one CPU's when `sharedBy` is `cpu`). */
  readonly bandwidthBytesPerSPerDirection: Sourced<number>;
  /** `cpu`: one link per CPU shared by the accelerators attached to it; `accelerator`: one each. */
  readonly sharedBy: "cpu" | "accelerator";
}

export interface ScaleOutSpec {
  readonly technology: string;
  /** NIC line rate per accelerator, per direction. */
  readonly bandwidthBytesPerSPerChip: Sourced<number>;
  readonly nicsPerNode: Sourced<number>;
  /** Cluster fabric id (`data/clusters`) used when a cluster of this system names none. */
  readonly defaultFabric?: string;
}

export interface RackSpec {
  readonly compute: Sourced<number>;
  /** Racks holding only fabric (CloudMatrix384's 4 bus racks; NVL72 has none). */
  readonly network: Sourced<number>;
  /** Maximum input power of one compute rack (nameplate / stress-test value). */
  readonly computeRackMaxW?: Sourced<number>;
  /** Maximum input power of one network (bus) rack. */
  readonly networkRackMaxW?: Sourced<number>;
}

export interface PowerSpec {
  /** The figure used for per-watt ratios. */
  readonly usedW: Sourced<number>;
  /**
   * Which of the figures below `usedW` is; `accelerator-tdp` is the sum of the accelerators' TDP
   * (a lower bound, used only where no system figure is published).
   */
  readonly basis: "estimate" | "nameplate" | "nominal" | "accelerator-tdp";
  readonly estimateW?: Sourced<number>;
  readonly nominalW?: Sourced<number>;
  readonly nameplateMaxW?: Sourced<number>;
}

export interface System {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly origin: Origin;
  readonly nodes: Sourced<number>;
  readonly node: NodeSpec;
  readonly scaleUp: ScaleUpFabric;
  readonly scaleOut: ScaleOutSpec;
  /** Front-end / VPC network per node, per direction (CloudMatrix384's Qingtian plane). */
  readonly vpcBandwidthBytesPerSPerNode?: Sourced<number>;
  readonly racks?: RackSpec;
  readonly power: PowerSpec;
}

/** Scale-out fabric joining N systems (specification only; its network model is in `network`). */
export interface ClusterFabric {
  /** Catalog id (`data/clusters/<id>.yaml`); always set for catalog fabrics. */
  readonly id?: string;
  readonly name?: string;
  readonly kind: "fat-tree";
  readonly technology: "infiniband" | "roce";
  readonly tiers: Sourced<number>;
  readonly railOptimized: boolean;
  /** Downlink : uplink bandwidth at the leaves (1 = non-blocking). */
  readonly oversubscription: Sourced<number>;
  readonly switchRadix: Sourced<number>;
  readonly linkBandwidthBytesPerS: Sourced<number>;
  readonly hopLatencyS: Sourced<number>;
}

export interface Cluster {
  readonly id: string;
  readonly system: System;
  readonly systems: number;
  readonly fabric: ClusterFabric;
}
