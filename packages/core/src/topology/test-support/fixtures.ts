/**
 * Fixture systems for fabric tests, built from the figures in ../shared/references/hardware.md
 * (used until, and independently of, the built-in catalog).
 */

import type { Chip, Cluster, System } from "../../hardware/types.ts";
import type { Sourced } from "../../spec/sourced.ts";

const src = [
  {
    key: "fixture",
    title: "test fixture from references/hardware.md",
    url: "https://example.invalid/fixture",
  },
];
const v = <T>(value: T): Sourced<T> => ({ value, sources: src, tag: "spec" });
const origin = { kind: "builtin", file: "fixture" } as const;

function chip(over: Partial<Chip> & Pick<Chip, "id" | "name">): Chip {
  return {
    vendor: "x",
    kind: "accelerator",
    origin,
    dies: v(1),
    diesAreDevices: false,
    peakFlopsPerS: { bf16: v(989e12) },
    memory: { technology: "HBM3", capacityBytes: v(80e9), bandwidthBytesPerS: v(3.35e12) },
    ...over,
  };
}

const power = { usedW: v(1e4), basis: "nominal" } as const;

export const ascend910c: Chip = chip({
  id: "ascend-910c",
  name: "Ascend 910C",
  dies: v(2),
  diesAreDevices: true,
  scaleUp: { bandwidthBytesPerSPerDirection: v(392e9), links: v(14), technology: "UB" },
  scaleOut: { bandwidthBytesPerSPerDirection: v(50e9), technology: "RoCE 400GbE" },
  dieToDie: { bandwidthBytesPerSPerDirection: v(270e9), technology: "die-to-die" },
});

const kunpeng: Chip = chip({ id: "kunpeng-920", name: "Kunpeng 920", kind: "cpu" });

export const cloudmatrix384: System = {
  id: "cloudmatrix384",
  name: "CloudMatrix384",
  vendor: "Huawei",
  origin,
  nodes: v(48),
  node: { accelerator: { chip: ascend910c, count: v(8) }, cpu: { chip: kunpeng, count: v(4) } },
  scaleUp: {
    kind: "two-tier-clos",
    technology: "UB",
    planes: v(7),
    l1SwitchesPerNode: v(7),
    l2SwitchesPerPlane: v(16),
    l2SwitchPorts: v(48),
    l1UplinksPerSwitch: v(16),
    linkBandwidthBytesPerS: v(28e9),
    hopLatencyS: v(200e-9),
    cpuBandwidthBytesPerS: v(160e9),
  },
  scaleOut: { technology: "RoCE 400GbE", bandwidthBytesPerSPerChip: v(50e9), nicsPerNode: v(8) },
  vpcBandwidthBytesPerSPerNode: v(50e9),
  power,
};

function hgx(id: string, perGpuBytesPerS: number): System {
  const gpu = chip({
    id: `${id}-gpu`,
    name: id,
    scaleUp: { bandwidthBytesPerSPerDirection: v(perGpuBytesPerS), links: v(18), technology: "NVLink 4" },
    scaleOut: { bandwidthBytesPerSPerDirection: v(50e9), technology: "InfiniBand NDR" },
  });
  return {
    id,
    name: id,
    vendor: "NVIDIA",
    origin,
    nodes: v(1),
    node: { accelerator: { chip: gpu, count: v(8) } },
    scaleUp: {
      kind: "single-tier-switch",
      technology: "NVLink 4 / NVSwitch",
      switchChips: v(4),
      linksPerSwitchPerChip: v(4.5),
      linkBandwidthBytesPerS: v(perGpuBytesPerS / 18),
      hopLatencyS: v(0),
      inSwitchReduction: perGpuBytesPerS > 300e9,
    },
    scaleOut: { technology: "InfiniBand NDR", bandwidthBytesPerSPerChip: v(50e9), nicsPerNode: v(8) },
    power,
  };
}

export const hgxH100: System = hgx("hgx-h100", 450e9);
export const hgxH800: System = hgx("hgx-h800", 200e9);

const b200: Chip = chip({
  id: "gb200-gpu",
  name: "B200 (GB200)",
  scaleUp: { bandwidthBytesPerSPerDirection: v(900e9), links: v(18), technology: "NVLink 5" },
  scaleOut: { bandwidthBytesPerSPerDirection: v(50e9), technology: "InfiniBand NDR" },
});
const grace: Chip = chip({ id: "grace", name: "Grace", kind: "cpu" });

export const gb200Nvl72: System = {
  id: "gb200-nvl72",
  name: "GB200 NVL72",
  vendor: "NVIDIA",
  origin,
  nodes: v(18),
  node: {
    accelerator: { chip: b200, count: v(4) },
    cpu: { chip: grace, count: v(2) },
    hostLink: { technology: "NVLink-C2C", bandwidthBytesPerSPerDirection: v(450e9), sharedBy: "cpu" },
  },
  scaleUp: {
    kind: "single-tier-switch",
    technology: "NVLink 5",
    switchChips: v(18),
    switchTrays: v(9),
    linksPerSwitchPerChip: v(1),
    linkBandwidthBytesPerS: v(50e9),
    hopLatencyS: v(0),
    inSwitchReduction: true,
  },
  scaleOut: { technology: "InfiniBand NDR", bandwidthBytesPerSPerChip: v(50e9), nicsPerNode: v(4) },
  power,
};

/** N systems on a rail-optimised InfiniBand fat tree. */
export function ibCluster(system: System, systems: number, oversubscription = 1): Cluster {
  return {
    id: `${systems}x${system.id}`,
    system,
    systems,
    fabric: {
      kind: "fat-tree",
      technology: "infiniband",
      tiers: v(2),
      railOptimized: true,
      oversubscription: v(oversubscription),
      switchRadix: v(64),
      linkBandwidthBytesPerS: v(50e9),
      hopLatencyS: v(0),
    },
  };
}
