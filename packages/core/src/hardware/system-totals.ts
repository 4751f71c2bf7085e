/**
 * Derived figures of a system: totals over its chips (peak FLOP/s per dtype, HBM, scale-up and
 * scale-out bandwidth), power and per-watt efficiency. Each figure is a `Sourced<number>` that
 * carries its inputs' sources, and the alternatives of its inputs (e.g. 384 × 752 TFLOPS next to
 * 384 × 780). SI units; bandwidths are per direction.
 */
import { productOf, ratioOf, type Sourced } from "../spec/index.ts";
import { DTYPES, type Dtype, type System } from "./types.ts";

export interface SystemTotals {
  readonly systemId: string;
  /** Accelerator packages. */
  readonly chips: Sourced<number>;
  /** Addressable devices (ranks): dies where dies are devices (910C), else packages. */
  readonly devices: Sourced<number>;
  readonly cpus?: Sourced<number>;
  readonly peakFlopsPerS: Readonly<Partial<Record<Dtype, Sourced<number>>>>;
  readonly hbmCapacityBytes: Sourced<number>;
  readonly hbmBandwidthBytesPerS: Sourced<number>;
  /** CPU-attached memory (node DRAM, or the CPUs' own memory). */
  readonly cpuMemoryBytes?: Sourced<number>;
  /** Scale-up bandwidth per accelerator, per direction: the smaller of its ports and its share of the fabric. */
  readonly scaleUpPerChipBytesPerS: Sourced<number>;
  /** chips × scale-up per chip, per direction. */
  readonly scaleUpTotalBytesPerS: Sourced<number>;
  /** Capacity of the scale-up switches' accelerator-facing side (L2 ports for a two-tier Clos), per direction. */
  readonly scaleUpSwitchCapacityBytesPerS: Sourced<number>;
  readonly scaleOutTotalBytesPerS: Sourced<number>;
  readonly powerW: Sourced<number>;
  /** The nameplate upper bound, where known (shown beside an estimate). */
  readonly nameplatePowerW?: Sourced<number>;
  readonly peakFlopsPerW: Readonly<Partial<Record<Dtype, Sourced<number>>>>;
  readonly hbmBandwidthPerW: Sourced<number>;
  readonly hbmBytesPerW: Sourced<number>;
}

function fabricPerChip(system: System, acceleratorsPerNode: Sourced<number>): Sourced<number> {
  const fabric = system.scaleUp;
  switch (fabric.kind) {
    case "two-tier-clos":
      return ratioOf(
        "L1 uplink capacity per node ÷ accelerators per node (L1 switches × uplinks × link rate)",
        productOf(
          "L1 uplinks per node × link rate",
          fabric.l1SwitchesPerNode,
          fabric.l1UplinksPerSwitch,
          fabric.linkBandwidthBytesPerS,
        ),
        acceleratorsPerNode,
      );
    case "single-tier-switch":
      return productOf(
        "switch chips × links per switch per accelerator × link rate",
        fabric.switchChips,
        fabric.linksPerSwitchPerChip,
        fabric.linkBandwidthBytesPerS,
      );
    default: {
      const unreachable: never = fabric;
      return unreachable;
    }
  }
}

function switchCapacity(system: System, chips: Sourced<number>, perChip: Sourced<number>): Sourced<number> {
  const fabric = system.scaleUp;
  switch (fabric.kind) {
    case "two-tier-clos":
      return productOf(
        "L2 switch ports: planes × L2 switches per plane × ports × link rate",
        fabric.planes,
        fabric.l2SwitchesPerPlane,
        fabric.l2SwitchPorts,
        fabric.linkBandwidthBytesPerS,
      );
    case "single-tier-switch":
      return productOf("accelerators × switch-facing bandwidth per accelerator", chips, perChip);
    default: {
      const unreachable: never = fabric;
      return unreachable;
    }
  }
}

/**
 * @example systemTotals(builtinCatalog().system("gb200-nvl72")).peakFlopsPerS.bf16?.value // 1.8e17
 */
export function systemTotals(system: System): SystemTotals {
  const { accelerator, cpu } = system.node;
  const chip = accelerator.chip;
  const chips = productOf("nodes × accelerators per node", system.nodes, accelerator.count);
  const devices = chip.diesAreDevices
    ? productOf("accelerators × dies (each die is a device)", chips, chip.dies)
    : chips;
  const cpus = cpu === undefined ? undefined : productOf("nodes × CPUs per node", system.nodes, cpu.count);

  const peakFlopsPerS: Partial<Record<Dtype, Sourced<number>>> = {};
  for (const dtype of DTYPES) {
    const peak = chip.peakFlopsPerS[dtype];
    if (peak !== undefined)
      peakFlopsPerS[dtype] = productOf(`accelerators × dense ${dtype} peak per accelerator`, chips, peak);
  }
  const hbmCapacityBytes = productOf(
    "accelerators × memory per accelerator",
    chips,
    chip.memory.capacityBytes,
  );
  const hbmBandwidthBytesPerS = productOf(
    "accelerators × memory bandwidth per accelerator",
    chips,
    chip.memory.bandwidthBytesPerS,
  );
  let cpuMemoryBytes: Sourced<number> | undefined;
  if (system.node.dramBytes !== undefined)
    cpuMemoryBytes = productOf("nodes × CPU DRAM per node", system.nodes, system.node.dramBytes);
  else if (cpu !== undefined && cpus !== undefined)
    cpuMemoryBytes = productOf("CPUs × memory per CPU", cpus, cpu.chip.memory.capacityBytes);

  const fabricShare = fabricPerChip(system, accelerator.count);
  const ports = chip.scaleUp?.bandwidthBytesPerSPerDirection;
  const scaleUpPerChipBytesPerS =
    ports === undefined || fabricShare.value < ports.value ? fabricShare : ports;
  const scaleUpTotalBytesPerS = productOf(
    "accelerators × scale-up bandwidth per accelerator",
    chips,
    scaleUpPerChipBytesPerS,
  );
  const scaleUpSwitchCapacityBytesPerS = switchCapacity(system, chips, scaleUpPerChipBytesPerS);
  const scaleOutTotalBytesPerS = productOf(
    "accelerators × scale-out bandwidth per accelerator",
    chips,
    system.scaleOut.bandwidthBytesPerSPerChip,
  );

  const powerW = system.power.usedW;
  const nameplatePowerW = system.power.basis === "nameplate" ? undefined : system.power.nameplateMaxW;
  const peakFlopsPerW: Partial<Record<Dtype, Sourced<number>>> = {};
  for (const dtype of DTYPES) {
    const peak = peakFlopsPerS[dtype];
    if (peak !== undefined)
      peakFlopsPerW[dtype] = ratioOf(`dense ${dtype} peak ÷ system power`, peak, powerW);
  }
  return {
    systemId: system.id,
    chips,
    devices,
    ...(cpus === undefined ? {} : { cpus }),
    peakFlopsPerS,
    hbmCapacityBytes,
    hbmBandwidthBytesPerS,
    ...(cpuMemoryBytes === undefined ? {} : { cpuMemoryBytes }),
    scaleUpPerChipBytesPerS,
    scaleUpTotalBytesPerS,
    scaleUpSwitchCapacityBytesPerS,
    scaleOutTotalBytesPerS,
    powerW,
    ...(nameplatePowerW === undefined ? {} : { nameplatePowerW }),
    peakFlopsPerW,
    hbmBandwidthPerW: ratioOf("HBM bandwidth ÷ system power", hbmBandwidthBytesPerS, powerW),
    hbmBytesPerW: ratioOf("HBM capacity ÷ system power", hbmCapacityBytes, powerW),
  };
}
