/**
 * A validated system definition (file units) → the SI `System` of hardware/types.ts. Resolves the
 * node's chip ids and the power figure named by `power.basis`; a nameplate maximum is derived from
 * the racks' maximum input power when the file does not give one.
 */
import type {
  Chip,
  ChipKind,
  Origin,
  PowerSpec,
  RackSpec,
  ScaleUpFabric,
  SwitchGeneration,
  System,
} from "../hardware/index.ts";
import { GIGA, NANOSECOND, productOf, type Sourced, type SystemDefinition, sumOf } from "../spec/index.ts";
import { type SourceRegistry, toSourced, toSourcedOptional } from "./source-links.ts";
import { switchGenerations } from "./switch-generations.ts";

type Path = ReadonlyArray<string | number>;

export interface SystemContext {
  readonly registry: SourceRegistry;
  readonly origin: Origin;
  /** Looks up a chip id (throws the unknown-id error located at `path`). */
  chip(id: string, path: Path): Chip;
  /** An input error located at a field of this definition. */
  fail(detail: string, path: Path): never;
}

/**
 * A full mesh's "planes" are its links, one to each peer of the server (network/full-mesh.ts gives a
 * communicator of n ranks n − 1 of them), and it has no switch to reduce in.
 */
function checkFullMesh(links: number, accelerators: number, inSwitchReduction: boolean, ctx: SystemContext) {
  if (links !== accelerators - 1)
    ctx.fail(
      `fullMesh needs one link to each peer: switchChips × linksPerSwitchPerChip (${links}) must be the accelerators per node − 1 (${accelerators - 1})`,
      ["scaleUp", "fullMesh"],
    );
  if (inSwitchReduction)
    ctx.fail("fullMesh has no switch: inSwitchReduction (set, or from switchGeneration) must be false", [
      "scaleUp",
      "fullMesh",
    ]);
}

function scaleUpFabric(
  def: SystemDefinition["scaleUp"],
  acceleratorsPerNode: number,
  ctx: SystemContext,
): ScaleUpFabric {
  const registry = ctx.registry;
  switch (def.kind) {
    case "two-tier-clos": {
      const cpu = toSourcedOptional(def.cpuBandwidthGBps, registry, GIGA);
      return {
        kind: def.kind,
        technology: def.technology,
        planes: toSourced(def.planes, registry),
        l1SwitchesPerNode: toSourced(def.l1SwitchesPerNode, registry),
        l2SwitchesPerPlane: toSourced(def.l2SwitchesPerPlane, registry),
        l2SwitchPorts: toSourced(def.l2SwitchPorts, registry),
        l1UplinksPerSwitch: toSourced(def.l1UplinksPerSwitch, registry),
        linkBandwidthBytesPerS: toSourced(def.linkGBps, registry, GIGA),
        hopLatencyS: toSourced(def.hopLatencyNs, registry, NANOSECOND),
        ...(cpu === undefined ? {} : { cpuBandwidthBytesPerS: cpu }),
      };
    }
    case "single-tier-switch": {
      const switchChips = toSourced(def.switchChips, registry);
      const generation = switchGenerationOf(def.switchGeneration, ctx);
      const switchTrays = toSourcedOptional(def.switchTrays, registry);
      if (switchTrays !== undefined && switchChips.value % switchTrays.value !== 0)
        ctx.fail(
          `switchChips (${switchChips.value}) must be a multiple of switchTrays (${switchTrays.value}): the same number of chips in every tray`,
          ["scaleUp", "switchTrays"],
        );
      const linksPerSwitchPerChip = toSourced(def.linksPerSwitchPerChip, registry);
      const inSwitchReduction = def.inSwitchReduction ?? generation?.inSwitchReduction.value ?? false;
      if (def.fullMesh === true)
        checkFullMesh(
          switchChips.value * linksPerSwitchPerChip.value,
          acceleratorsPerNode,
          inSwitchReduction,
          ctx,
        );
      return {
        kind: def.kind,
        technology: def.technology,
        switchChips,
        linksPerSwitchPerChip,
        linkBandwidthBytesPerS: toSourced(def.linkGBps, registry, GIGA),
        hopLatencyS: toSourced(def.hopLatencyNs, registry, NANOSECOND),
        inSwitchReduction,
        ...(generation !== undefined ? { switchGeneration: generation } : {}),
        ...(switchTrays !== undefined ? { switchTrays } : {}),
        ...(def.fullMesh === true ? { fullMesh: true } : {}),
      };
    }
    default: {
      const unreachable: never = def;
      return unreachable;
    }
  }
}

function racksFrom(def: SystemDefinition["racks"], registry: SourceRegistry): RackSpec | undefined {
  if (def === undefined) return undefined;
  const computeRackMaxW = toSourcedOptional(def.computeRackMaxW, registry);
  const networkRackMaxW = toSourcedOptional(def.networkRackMaxW, registry);
  return {
    compute: toSourced(def.compute, registry),
    network: toSourced(def.network, registry),
    ...(computeRackMaxW === undefined ? {} : { computeRackMaxW }),
    ...(networkRackMaxW === undefined ? {} : { networkRackMaxW }),
  };
}

/** Σ racks × max input power per rack, when the racks give it. */
function nameplateFromRacks(racks: RackSpec | undefined): Sourced<number> | undefined {
  if (racks?.computeRackMaxW === undefined) return undefined;
  const compute = productOf("compute racks × max input power per rack", racks.compute, racks.computeRackMaxW);
  if (racks.network.value === 0) return compute;
  if (racks.networkRackMaxW === undefined) return undefined;
  const network = productOf("network racks × max input power per rack", racks.network, racks.networkRackMaxW);
  return sumOf(
    "nameplate upper bound: compute racks × max input power + network racks × max input power",
    compute,
    network,
  );
}

function power(
  def: SystemDefinition,
  ctx: SystemContext,
  racks: RackSpec | undefined,
  chip: Chip,
): PowerSpec {
  const estimateW = toSourcedOptional(def.power.estimateW, ctx.registry);
  const nominalW = toSourcedOptional(def.power.nominalW, ctx.registry);
  const nameplateMaxW = toSourcedOptional(def.power.nameplateMaxW, ctx.registry) ?? nameplateFromRacks(racks);
  const missing = (field: string): never =>
    ctx.fail(`power.basis is "${def.power.basis}" but power.${field} is not given`, ["power", "basis"]);
  let usedW: Sourced<number>;
  switch (def.power.basis) {
    case "estimate":
      usedW = estimateW ?? missing("estimateW");
      break;
    case "nominal":
      usedW = nominalW ?? missing("nominalW");
      break;
    case "nameplate":
      usedW = nameplateMaxW ?? missing("nameplateMaxW (or racks with computeRackMaxW/networkRackMaxW)");
      break;
    case "accelerator-tdp": {
      if (chip.tdpW === undefined)
        return ctx.fail(`power.basis is "accelerator-tdp" but chip ${chip.id} has no tdpW`, [
          "power",
          "basis",
        ]);
      usedW = productOf(
        "sum of accelerator TDP (nodes × accelerators per node × TDP): a lower bound on system power",
        toSourced(def.nodes, ctx.registry),
        toSourced(def.node.accelerator.count, ctx.registry),
        chip.tdpW,
      );
      break;
    }
    default: {
      const unreachable: never = def.power.basis;
      return unreachable;
    }
  }
  return {
    usedW,
    basis: def.power.basis,
    ...(estimateW === undefined ? {} : { estimateW }),
    ...(nominalW === undefined ? {} : { nominalW }),
    ...(nameplateMaxW === undefined ? {} : { nameplateMaxW }),
  };
}

function member(
  entry: { chip: string; count: SystemDefinition["nodes"] },
  role: "accelerator" | "cpu",
  expected: ChipKind,
  ctx: SystemContext,
) {
  const chip = ctx.chip(entry.chip, ["node", role, "chip"]);
  if (chip.kind !== expected)
    ctx.fail(`chip ${chip.id} is a ${chip.kind}, expected a ${expected} here`, ["node", role, "chip"]);
  return { chip, count: toSourced(entry.count, ctx.registry) };
}

/** The named switch generation; an unknown id is an error at the field, with the known ids. */
function switchGenerationOf(id: string | undefined, ctx: SystemContext): SwitchGeneration | undefined {
  if (id === undefined) return undefined;
  const all = switchGenerations();
  const hit = all.find((g) => g.id === id);
  if (hit === undefined)
    return ctx.fail(`unknown switch generation "${id}": expected one of ${all.map((g) => g.id).join(", ")}`, [
      "scaleUp",
      "switchGeneration",
    ]);
  return hit;
}

/** @example systemFromDefinition(def, { registry, origin, chip: (id) => catalog.chip(id), fail }) */
export function systemFromDefinition(def: SystemDefinition, ctx: SystemContext): System {
  const accelerator = member(def.node.accelerator, "accelerator", "accelerator", ctx);
  const cpu = def.node.cpu === undefined ? undefined : member(def.node.cpu, "cpu", "cpu", ctx);
  const dramBytes = toSourcedOptional(def.node.dramGB, ctx.registry, GIGA);
  const racks = racksFrom(def.racks, ctx.registry);
  const vpc = toSourcedOptional(def.vpcGBpsPerNode, ctx.registry, GIGA);
  return {
    id: def.id,
    name: def.name,
    vendor: def.vendor,
    origin: ctx.origin,
    nodes: toSourced(def.nodes, ctx.registry),
    node: {
      accelerator,
      ...(cpu === undefined ? {} : { cpu }),
      ...(dramBytes === undefined ? {} : { dramBytes }),
      ...(def.node.hostLink === undefined
        ? {}
        : {
            hostLink: {
              technology: def.node.hostLink.technology,
              bandwidthBytesPerSPerDirection: toSourced(
                def.node.hostLink.bandwidthGBpsPerDirection,
                ctx.registry,
                GIGA,
              ),
              sharedBy: def.node.hostLink.sharedBy,
            },
          }),
    },
    scaleUp: scaleUpFabric(def.scaleUp, accelerator.count.value, ctx),
    scaleOut: {
      technology: def.scaleOut.technology,
      bandwidthBytesPerSPerChip: toSourced(def.scaleOut.bandwidthGBpsPerChip, ctx.registry, GIGA),
      nicsPerNode: toSourced(def.scaleOut.nicsPerNode, ctx.registry),
      ...(def.scaleOut.defaultFabric === undefined ? {} : { defaultFabric: def.scaleOut.defaultFabric }),
    },
    ...(vpc === undefined ? {} : { vpcBandwidthBytesPerSPerNode: vpc }),
    ...(racks === undefined ? {} : { racks }),
    power: power(def, ctx, racks, accelerator.chip),
  };
}
