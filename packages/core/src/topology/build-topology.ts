/**
 * Builds the topology graph of a system or a cluster from its specification (`System`,
 * `Cluster`): no system is hand-drawn. The scale-up fabric follows `system.scaleUp.kind`
 * (two-tier Clos with planes, or a single tier of switch chips), the scale-out fabric is a
 * rail-optimised, optionally oversubscribed two-tier fat tree, CPUs and the VPC plane are attached
 * where the specification has them.
 */
import type { Cluster, ClusterFabric, System } from "../hardware/index.ts";
import { type Sourced, SupernodeError } from "../spec/index.ts";
import { builtinFabricParams, type FabricParams, technologyFor } from "./fabric-params.ts";
import { type Topology, TopologyBuilder } from "./graph.ts";

/** What to build: one system, or a cluster of systems on a scale-out fat tree. */
export type FabricTarget = System | Cluster;

/** True when the target is a cluster. */
export function isCluster(target: FabricTarget): target is Cluster {
  return "fabric" in target && "systems" in target;
}

/** Ranks per package: dies when each die is its own device (Ascend 910C), else 1. */
export function ranksPerPackage(system: System): number {
  const chip = system.node.accelerator.chip;
  return chip.diesAreDevices ? Math.max(1, chip.dies.value) : 1;
}

/** Ranks in one system. @example ranksPerSystem(cm384) // 768 */
export function ranksPerSystem(system: System): number {
  return system.nodes.value * system.node.accelerator.count.value * ranksPerPackage(system);
}

/** Per-rank scale-up bandwidth per direction (line rate). */
export function scaleUpBytesPerSPerRank(system: System): number {
  const f = system.scaleUp;
  const chip = system.node.accelerator.chip;
  const perPackage =
    chip.scaleUp?.bandwidthBytesPerSPerDirection.value ??
    (f.kind === "single-tier-switch"
      ? f.switchChips.value * f.linksPerSwitchPerChip.value * f.linkBandwidthBytesPerS.value
      : f.planes.value * f.linkBandwidthBytesPerS.value);
  return perPackage / ranksPerPackage(system);
}

/** Hop latency used for the scale-up switches: the measured protocol figure when there is one. */
export function scaleUpHopLatencyS(system: System, params: FabricParams): number {
  const tech = technologyFor(params, system.scaleUp.technology);
  const measured = tech?.hopLatencyS.value ?? 0;
  return measured > 0 ? measured : system.scaleUp.hopLatencyS.value;
}

const assumed = (value: number, note: string): Sourced<number> => ({
  value,
  sources: [],
  tag: "assumption",
  note,
});

/** The fat tree a stand-alone system's NICs attach to: non-blocking, at the NIC line rate. */
export function defaultScaleOutFabric(system: System): ClusterFabric {
  const bw = system.scaleOut.bandwidthBytesPerSPerChip;
  const technology = /roce|ethernet|gbe/i.test(system.scaleOut.technology) ? "roce" : "infiniband";
  return {
    kind: "fat-tree",
    technology,
    tiers: assumed(2, "no fabric given for a stand-alone system: two tiers assumed"),
    railOptimized: true,
    oversubscription: assumed(1, "no fabric given for a stand-alone system: non-blocking assumed"),
    switchRadix: assumed(
      64,
      "no fabric given for a stand-alone system: a 64-port switch (as data/clusters/roce-400g-fat-tree.yaml); " +
        "non-blocking, so the radix sets only how many servers share a leaf, not any bandwidth",
    ),
    linkBandwidthBytesPerS: bw,
    hopLatencyS: {
      value: 0,
      sources: bw.sources,
      tag: "assumption",
      note: "no fabric given for a stand-alone system: switch latency not modelled",
    },
  };
}

/**
 * Builds the graph. Rank order: system, server (node/tray), package, die.
 * @example const topo = buildTopology(builtinCatalog().system("cloudmatrix384")); topo.rankNode.length // 768
 */
export function buildTopology(target: FabricTarget, params: FabricParams = builtinFabricParams()): Topology {
  const system = isCluster(target) ? target.system : target;
  const systems = isCluster(target) ? target.systems : 1;
  const fabric = isCluster(target) ? target.fabric : defaultScaleOutFabric(system);
  if (!Number.isInteger(systems) || systems < 1)
    throw new SupernodeError("invalid-value", `a cluster needs a whole number of systems (got ${systems})`);
  const b = new TopologyBuilder();
  const ranks = { node: [] as number[], pkg: [] as number[], server: [] as number[], system: [] as number[] };
  const vpcSwitch = system.vpcBandwidthBytesPerSPerNode ? b.addNode("switch", "vpc", 1) : -1;
  for (let s = 0; s < systems; s++) addSystem(b, system, s, systems > 1, params, ranks, vpcSwitch);
  addScaleOut(b, system, fabric, ranks);
  const planes =
    system.scaleUp.kind === "two-tier-clos" ? system.scaleUp.planes.value : system.scaleUp.switchChips.value;
  const name = isCluster(target) ? `${systems} × ${system.id}` : system.id;
  return b.build(name, ranks, planes);
}

function addSystem(
  b: TopologyBuilder,
  system: System,
  s: number,
  prefix: boolean,
  params: FabricParams,
  ranks: { node: number[]; pkg: number[]; server: number[]; system: number[] },
  vpcSwitch: number,
): void {
  const p = prefix ? `s${s}.` : "";
  const chip = system.node.accelerator.chip;
  const perPkg = ranksPerPackage(system);
  const chipsPerNode = system.node.accelerator.count.value;
  const nodes = system.nodes.value;
  const hop = scaleUpHopLatencyS(system, params);
  const rankBw = scaleUpBytesPerSPerRank(system);
  const firstServer = s * nodes;
  const rankIds: number[][] = [];
  for (let n = 0; n < nodes; n++) {
    const here: number[] = [];
    for (let c = 0; c < chipsPerNode; c++) {
      const pkgIndex = (firstServer + n) * chipsPerNode + c;
      const dies: number[] = [];
      for (let d = 0; d < perPkg; d++) {
        const label = perPkg > 1 ? `${p}n${n}.chip${c}.die${d}` : `${p}n${n}.gpu${c}`;
        const id = b.addNode("rank", label);
        dies.push(id);
        here.push(id);
        ranks.node.push(id);
        ranks.pkg.push(pkgIndex);
        ranks.server.push(firstServer + n);
        ranks.system.push(s);
      }
      const d2d = chip.dieToDie?.bandwidthBytesPerSPerDirection.value;
      if (perPkg === 2 && d2d !== undefined && dies[0] !== undefined && dies[1] !== undefined)
        b.addDuplex(dies[0], dies[1], d2d, 0, "die-to-die");
    }
    rankIds.push(here);
  }
  const f = system.scaleUp;
  const cpuChip = system.node.cpu;
  switch (f.kind) {
    case "two-tier-clos": {
      const planes = f.planes.value;
      const l2PerPlane = nodes > 1 ? f.l2SwitchesPerPlane.value : 0;
      const l2: number[][] = [];
      for (let pl = 0; pl < planes; pl++) {
        const row: number[] = [];
        for (let j = 0; j < l2PerPlane; j++) row.push(b.addNode("switch", `${p}ub-l2 p${pl}.${j}`, 2));
        l2.push(row);
      }
      const upPerL2 = l2PerPlane > 0 ? f.l1UplinksPerSwitch.value / l2PerPlane : 0;
      for (let n = 0; n < nodes; n++) {
        const l1: number[] = [];
        for (let pl = 0; pl < planes; pl++) l1.push(b.addNode("switch", `${p}ub-l1 n${n}.p${pl}`, 1));
        for (const r of rankIds[n] ?? [])
          l1.forEach((sw, pl) => {
            b.addDuplex(r, sw, rankBw / planes, hop, "scale-up-access", pl);
          });
        for (let pl = 0; pl < planes; pl++)
          for (const sw2 of l2[pl] ?? [])
            b.addDuplex(l1[pl] ?? 0, sw2, upPerL2 * f.linkBandwidthBytesPerS.value, hop, "scale-up-core", pl);
        const cpuBw = f.cpuBandwidthBytesPerS?.value;
        for (let c = 0; c < (cpuChip?.count.value ?? 0) && cpuBw !== undefined; c++) {
          const cpu = b.addNode("cpu", `${p}n${n}.cpu${c}`);
          l1.forEach((sw, pl) => {
            b.addDuplex(cpu, sw, cpuBw / planes, hop, "cpu", pl);
          });
          if (c === 0) addVpc(b, system, cpu, vpcSwitch, `${p}n${n}`);
        }
      }
      return;
    }
    case "single-tier-switch": {
      const switches: number[] = [];
      const k = f.switchChips.value;
      const trays = f.switchTrays?.value;
      const perTray = trays !== undefined ? k / trays : undefined;
      for (let j = 0; j < k; j++) {
        const label =
          perTray !== undefined
            ? `${p}switch tray ${Math.floor(j / perTray)} chip ${j % perTray}`
            : `${p}nvswitch ${j}`;
        switches.push(b.addNode("switch", label, 1));
      }
      for (let n = 0; n < nodes; n++) {
        const here = rankIds[n] ?? [];
        for (const r of here)
          switches.forEach((sw, j) => {
            b.addDuplex(r, sw, rankBw / k, hop, "scale-up-access", j);
          });
        const cpus = cpuChip?.count.value ?? 0;
        // The node's host link (GB200/GB300: Grace NVLink-C2C) joins each CPU to its accelerators.
        const hostLink = system.node.hostLink;
        for (let c = 0; c < cpus; c++) {
          const cpu = b.addNode("cpu", `${p}n${n}.cpu${c}`);
          if (hostLink !== undefined) {
            const gpusPerCpu = Math.max(1, Math.floor(here.length / cpus));
            const link = hostLink.bandwidthBytesPerSPerDirection.value;
            const bw = hostLink.sharedBy === "cpu" ? link / gpusPerCpu : link;
            for (let g = c * gpusPerCpu; g < (c + 1) * gpusPerCpu && g < here.length; g++)
              b.addDuplex(cpu, here[g] ?? 0, bw, 0, "cpu");
          }
          if (c === 0) addVpc(b, system, cpu, vpcSwitch, `${p}n${n}`);
        }
      }
      return;
    }
  }
}

function addVpc(b: TopologyBuilder, system: System, cpu: number, vpcSwitch: number, label: string): void {
  const bw = system.vpcBandwidthBytesPerSPerNode?.value;
  if (bw === undefined || vpcSwitch < 0) return;
  const dpu = b.addNode("dpu", `${label}.dpu`);
  b.addDuplex(cpu, dpu, bw, 0, "vpc");
  b.addDuplex(dpu, vpcSwitch, bw, 0, "vpc");
}

/** Rail-optimised two-tier fat tree: rail r = local rank index within a server. */
function addScaleOut(
  b: TopologyBuilder,
  system: System,
  fabric: ClusterFabric,
  ranks: { node: number[]; server: number[] },
): void {
  const perServer = system.node.accelerator.count.value * ranksPerPackage(system);
  const nicBw = system.scaleOut.bandwidthBytesPerSPerChip.value / ranksPerPackage(system);
  const accessBw = Math.min(nicBw, fabric.linkBandwidthBytesPerS.value);
  const servers = ranks.node.length / perServer;
  const o = Math.max(1, fabric.oversubscription.value);
  const down = Math.max(1, Math.floor((fabric.switchRadix.value * o) / (1 + o)));
  const up = Math.max(1, fabric.switchRadix.value - down);
  const rails = fabric.railOptimized ? perServer : 1;
  const portsPerServerPerLeaf = fabric.railOptimized ? 1 : perServer;
  const serversPerLeaf = Math.max(1, Math.floor(down / portsPerServerPerLeaf));
  const leavesPerRail = Math.ceil(servers / serversPerLeaf);
  const hop = fabric.hopLatencyS.value;
  const leaves: number[][] = [];
  for (let r = 0; r < rails; r++) {
    const row: number[] = [];
    for (let j = 0; j < leavesPerRail; j++) row.push(b.addNode("switch", `leaf r${r}.${j}`, 1));
    leaves.push(row);
  }
  const attached = new Array<number>(rails * leavesPerRail).fill(0);
  for (let i = 0; i < ranks.node.length; i++) {
    const local = i % perServer;
    const rail = fabric.railOptimized ? local : 0;
    const j = Math.floor((ranks.server[i] ?? 0) / serversPerLeaf);
    const leaf = leaves[rail]?.[j] ?? 0;
    b.addDuplex(ranks.node[i] ?? 0, leaf, accessBw, hop, "scale-out-access");
    attached[rail * leavesPerRail + j] = (attached[rail * leavesPerRail + j] ?? 0) + 1;
  }
  if (rails * leavesPerRail <= 1) return;
  // Each leaf has enough uplinks of the fabric's link rate for its attached bandwidth / oversubscription,
  // one to each spine (at most the ports left on the leaf).
  const linkBw = fabric.linkBandwidthBytesPerS.value;
  const most = Math.max(...attached);
  const spineCount = Math.max(1, Math.min(up, Math.ceil((most * accessBw) / o / linkBw)));
  const spines: number[] = [];
  for (let k = 0; k < spineCount; k++) spines.push(b.addNode("switch", `spine ${k}`, 2));
  for (let r = 0; r < rails; r++)
    for (let j = 0; j < leavesPerRail; j++) {
      const upBw = ((attached[r * leavesPerRail + j] ?? 0) * accessBw) / o / spineCount;
      for (const sp of spines) b.addDuplex(leaves[r]?.[j] ?? 0, sp, upBw, hop, "scale-out-core");
    }
}
