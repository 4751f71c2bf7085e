/**
 * Collectives as schedules of transfers: a list of phases run one after another; in a phase all
 * transfers run at once. A phase that repeats identically (the steps of a ring) is stored once with
 * a repeat count. Endpoints are topology node ids, so in-switch reduction can name the switches.
 */
import { SupernodeError } from "../spec/index.ts";
import { LINK_TIERS } from "../topology/index.ts";
import type { Algorithm } from "./collective-types.ts";
import type { FabricModel } from "./fabric-model.ts";
import { dtreeParents } from "./nccl-trees.ts";
import { nvlsBytesPerRank, treeHeads } from "./nvls-limits.ts";
import type { ResolvedRequest } from "./resolve-request.ts";
import { ringOrders } from "./ring-orders.ts";

export interface SchedulePhase {
  readonly src: Int32Array;
  readonly dst: Int32Array;
  readonly bytes: Float64Array;
  /** Times this phase runs back to back. */
  readonly repeat: number;
  /** Latency of the phase in one-way latencies of its longest path (pipeline depth). */
  readonly latencyHops: number;
}

export interface Schedule {
  readonly phases: readonly SchedulePhase[];
}

class PhaseBuilder {
  src: number[] = [];
  dst: number[] = [];
  bytes: number[] = [];
  add(s: number, d: number, b: number): void {
    if (b <= 0 || s === d) return;
    this.src.push(s);
    this.dst.push(d);
    this.bytes.push(b);
  }
  build(repeat: number, latencyHops = 1): SchedulePhase {
    return {
      src: Int32Array.from(this.src),
      dst: Int32Array.from(this.dst),
      bytes: Float64Array.from(this.bytes),
      repeat,
      latencyHops,
    };
  }
}

/** One ring step (or, with `chainFromFirst`, a pipelined chain from ranks[0]: the ring without the edge into it). */
function ringPhase(
  model: FabricModel,
  ranks: readonly number[],
  chunk: number,
  steps: number,
  latencyHops = 1,
  chainFromFirst = false,
): SchedulePhase {
  const node = model.topology().rankNode;
  const n = ranks.length;
  const spans =
    Math.floor((ranks[0] ?? 0) / model.ranksPerSystem) !==
    Math.floor((ranks[n - 1] ?? 0) / model.ranksPerSystem);
  const orders = ringOrders(model, ranks, spans);
  const p = new PhaseBuilder();
  for (const order of orders)
    for (let i = 0; i < n; i++) {
      const next = order[(i + 1) % n] ?? 0;
      if (chainFromFirst && next === ranks[0]) continue;
      p.add(node[order[i] ?? 0] ?? 0, node[next] ?? 0, chunk / orders.length);
    }
  return p.build(steps, latencyHops);
}

const ACCESS_TIER = LINK_TIERS.indexOf("scale-up-access");

/** Pipeline depth of the tree all-reduce: a heap over ranks, or chains inside servers plus a tree over servers. */
export function treeDepth(model: FabricModel, n: number): number {
  const rps = model.ranksPerServer;
  if (n > rps && rps > 1 && n % rps === 0) return Math.ceil(Math.log2(n / rps)) + rps - 1;
  return Math.ceil(Math.log2(n));
}

/**
 * NVLS traffic of one rank: `out` bytes to its switches and `back` bytes from them, spread over
 * its switch links by capacity and inflated by the in-switch protocol's lower achievable fraction.
 */
function addInSwitch(model: FabricModel, p: PhaseBuilder, r: number, out: number, back: number): void {
  const topo = model.topology();
  const rank = topo.rankNode[r] ?? 0;
  let total = 0;
  const links: number[] = [];
  for (let k = topo.outOffset[rank] ?? 0; k < (topo.outOffset[rank + 1] ?? 0); k++) {
    const l = topo.outLinks[k] ?? 0;
    if (topo.nodeKind[topo.linkTo[l] ?? 0] === "switch" && topo.linkTier[l] === ACCESS_TIER) {
      links.push(l);
      total += topo.linkCapacity[l] ?? 0;
    }
  }
  for (const l of links) {
    const sw = topo.linkTo[l] ?? 0;
    const w = (topo.linkCapacity[l] ?? 0) / total;
    if (model.router().link(sw, rank) < 0)
      throw new SupernodeError("invalid-value", "switch link without its reverse");
    p.add(rank, sw, out * w * model.inSwitchInflation);
    p.add(sw, rank, back * w * model.inSwitchInflation);
  }
}

/**
 * NCCL's Tree / NVLSTree across systems as one pipelined phase (reduce going up while broadcast
 * comes down): inside every server a chain per channel (or NVLS: S out and S/rps back for the
 * reduce-scatter, the reverse for the all-gather), and in channel r the local ranks r of all
 * servers in NCCL's double binary tree (`nccl-trees.ts`), S/heads/2 per tree edge and direction,
 * over the `treeHeads` local ranks that send across (all of them, or NVLSTree's NVLS heads).
 */
function treeAcrossSystems(model: FabricModel, n: number, S: number, inSwitch: boolean): Schedule {
  const node = model.topology().rankNode;
  const rps = model.ranksPerSystem;
  const m = n / rps;
  const nvls = model.inSwitchReduction && inSwitch;
  const heads = treeHeads({ ranksPerSystem: rps, inSwitchReduction: nvls });
  const p = new PhaseBuilder();
  const edge = (child: number, parent: number, bytes: number) => {
    p.add(node[child] ?? 0, node[parent] ?? 0, bytes);
    p.add(node[parent] ?? 0, node[child] ?? 0, bytes);
  };
  for (let srv = 0; srv < m; srv++)
    for (let r = 0; r < rps; r++) {
      const rank = srv * rps + r;
      if (rps > 1 && nvls) addInSwitch(model, p, rank, nvlsBytesPerRank(rps, S), nvlsBytesPerRank(rps, S));
      else
        for (let k = 1; k < rps; k++)
          edge(srv * rps + ((r + k) % rps), srv * rps + ((r + k + 1) % rps), S / rps);
      if (r >= heads) continue;
      for (const parent of dtreeParents(m, srv)) if (parent >= 0) edge(rank, parent * rps + r, S / heads / 2);
    }
  const intra = rps > 1 ? (nvls ? 1 : rps - 1) : 0;
  return { phases: [p.build(1, 2 * (intra + Math.ceil(Math.log2(m))))] };
}

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

/** Tree all-reduce: reduce up a double binary tree, broadcast back down (NCCL's shape across servers). */
function treeAllReduce(model: FabricModel, n: number, S: number, inSwitch: boolean): Schedule {
  if (n > model.ranksPerSystem && n % model.ranksPerSystem === 0)
    return treeAcrossSystems(model, n, S, inSwitch);
  const node = model.topology().rankNode;
  const depth = treeDepth(model, n);
  const up = new PhaseBuilder();
  const down = new PhaseBuilder();
  const edge = (child: number, parent: number, bytes: number) => {
    up.add(node[child] ?? 0, node[parent] ?? 0, bytes);
    down.add(node[parent] ?? 0, node[child] ?? 0, bytes);
  };
  const rps = model.ranksPerServer;
  if (n > rps && rps > 1 && n % rps === 0) {
    // NCCL's shape: one channel per rank of a server; in channel r a chain inside every server
    // ends at local rank r, and local ranks r of all servers form a double binary tree
    const m = n / rps;
    for (let r = 0; r < rps; r++)
      for (let srv = 0; srv < m; srv++) {
        for (let k = 1; k < rps; k++)
          edge(srv * rps + ((r + k) % rps), srv * rps + ((r + k + 1) % rps), S / rps);
        if (srv === 0) continue;
        const parent = (srv - 1) >> 1;
        edge(srv * rps + r, parent * rps + r, S / rps / 2);
        edge((m - 1 - srv) * rps + r, (m - 1 - parent) * rps + r, S / rps / 2);
      }
  } else {
    for (let pos = 1; pos < n; pos++) {
      const parent = (pos - 1) >> 1;
      edge(pos, parent, S / 2);
      edge(n - 1 - pos, n - 1 - parent, S / 2);
    }
  }
  return { phases: [up.build(1, depth), down.build(1, depth)] };
}

/** Hierarchical all-reduce: a ring inside each group (system or server), a ring across groups, the inner ring again. */
function hierarchicalAllReduce(model: FabricModel, n: number, S: number): Schedule {
  const node = model.topology().rankNode;
  const g = n > model.ranksPerSystem ? model.ranksPerSystem : Math.min(n, model.ranksPerServer);
  const m = Math.ceil(n / g);
  if (m === 1 || n % g !== 0) return { phases: [ringPhase(model, range(0, n), S / n, 2 * (n - 1))] };
  const inner = new PhaseBuilder();
  for (let grp = 0; grp < m; grp++)
    for (let i = 0; i < g; i++) inner.add(node[grp * g + i] ?? 0, node[grp * g + ((i + 1) % g)] ?? 0, S / g);
  const outer = new PhaseBuilder();
  for (let i = 0; i < g; i++)
    for (let grp = 0; grp < m; grp++)
      outer.add(node[grp * g + i] ?? 0, node[((grp + 1) % m) * g + i] ?? 0, S / g / m);
  return { phases: [inner.build(g - 1), outer.build(2 * (m - 1)), inner.build(g - 1)] };
}

/** The all-reduce schedule of an algorithm, or undefined for one that has none (direct). */
function allReduceSchedule(
  model: FabricModel,
  algorithm: Algorithm,
  n: number,
  S: number,
  inSwitch: boolean,
): Schedule | undefined {
  switch (algorithm) {
    case "ring":
      return { phases: [ringPhase(model, range(0, n), S / n, 2 * (n - 1))] };
    case "tree":
      return treeAllReduce(model, n, S, inSwitch);
    case "in-switch": {
      const p = new PhaseBuilder();
      for (let r = 0; r < n; r++) addInSwitch(model, p, r, nvlsBytesPerRank(n, S), nvlsBytesPerRank(n, S));
      return { phases: [p.build(1)] };
    }
    case "hierarchical":
      return hierarchicalAllReduce(model, n, S);
    case "direct":
      return undefined;
  }
}

/** One phase in which rank i sends bytes(i, j) to every rank j. */
function exchangePhase(model: FabricModel, n: number, bytes: (i: number, j: number) => number): Schedule {
  const node = model.topology().rankNode;
  const p = new PhaseBuilder();
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) p.add(node[i] ?? 0, node[j] ?? 0, bytes(i, j));
  return { phases: [p.build(1)] };
}

/**
 * The schedule of a resolved request on a fabric.
 * @example scheduleOf(model, resolveRequest(model, { op: "all-gather", bytes: 1e9, ranks: 8 })).phases[0].repeat // 7
 */
export function scheduleOf(model: FabricModel, resolved: ResolvedRequest): Schedule {
  const { request, algorithm } = resolved;
  const n = request.ranks;
  const S = request.bytes;
  if (n <= 1) return { phases: [] };
  switch (request.op) {
    case "all-reduce": {
      const schedule = allReduceSchedule(model, algorithm, n, S, request.inSwitch !== false);
      if (schedule !== undefined) return schedule;
      break;
    }
    case "all-gather":
    case "reduce-scatter": {
      if (algorithm !== "in-switch") return { phases: [ringPhase(model, range(0, n), S / n, n - 1)] };
      // NVLS: the slice out and the whole output back (all-gather), or the reverse (reduce-scatter)
      const gather = request.op === "all-gather";
      const p = new PhaseBuilder();
      for (let r = 0; r < n; r++) addInSwitch(model, p, r, gather ? S / n : S, gather ? S : S / n);
      return { phases: [p.build(1)] };
    }
    case "broadcast":
      return { phases: [ringPhase(model, range(0, n), S, 1, n - 1, true)] };
    case "all-to-all":
      return exchangePhase(model, n, () => S / n);
    case "all-to-all-v": {
      const m = request.matrix;
      return m === undefined
        ? { phases: [new PhaseBuilder().build(1)] }
        : exchangePhase(model, n, (i, j) => m[i * n + j] ?? 0);
    }
    case "send-recv": {
      const node = model.topology().rankNode;
      const p = new PhaseBuilder();
      p.add(node[0] ?? 0, node[n - 1] ?? 0, S);
      return { phases: [p.build(1)] };
    }
  }
  throw new SupernodeError("unsupported", `no schedule for ${request.op} with ${algorithm}`);
}

/** Total bytes a schedule moves (each transfer counted once, times its phase's repeats). */
export function scheduleBytes(schedule: Schedule): number {
  let total = 0;
  for (const phase of schedule.phases) for (const b of phase.bytes) total += b * phase.repeat;
  return total;
}
