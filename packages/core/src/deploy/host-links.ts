/**
 * Accelerator ↔ host-DRAM links (data/deploy/host-links.yaml) for weight and KV-cache offload:
 * the Grace NVLink-C2C on GB200/GB300 systems, PCIe elsewhere. `hostLinkFor(system, id?)` gives
 * the bandwidth one accelerator gets when all accelerators stream at once.
 */
import { z } from "zod";
import { builtinDataOnce } from "../catalog/index.ts";
import type { System } from "../hardware/index.ts";
import { GIGA } from "../spec/index.ts";

const valueSchema = z.strictObject({
  value: z.number().positive(),
  source: z.string(),
  tag: z.enum(["measured", "spec", "estimate", "derived", "assumption"]),
  note: z.string().optional(),
});
const fileSchema = z.strictObject({
  sources: z.array(
    z.strictObject({ key: z.string(), title: z.string(), url: z.string(), section: z.string().optional() }),
  ),
  links: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      bandwidthGBpsPerDirection: valueSchema,
      sharedBy: z.enum(["cpu", "accelerator"]),
    }),
  ),
});

const hostLinksFile = builtinDataOnce("deploy/host-links.yaml", fileSchema);
const links = () => hostLinksFile().links;

/** Ids of the recorded host links. */
export function hostLinkIds(): string[] {
  return links().map((l) => l.id);
}

export interface HostLink {
  readonly id: string;
  readonly name: string;
  /** Bytes/s one accelerator gets per direction, with every accelerator on the link streaming. */
  readonly bytesPerSPerAccelerator: number;
  readonly description: string;
}

/**
 * The host link of a system's accelerators: `id` (a link of data/deploy/host-links.yaml), else the
 * system's own `node.hostLink` (GB200/GB300: Grace NVLink-C2C), else PCIe.
 * @example hostLinkFor(gb200Nvl72).bytesPerSPerAccelerator // 225e9 (450 GB/s shared by 2 GPUs)
 */
export function hostLinkFor(system: System, id?: string): HostLink {
  const cpu = system.node.cpu;
  const own = system.node.hostLink;
  if (id === undefined && own !== undefined) {
    const bw = own.bandwidthBytesPerSPerDirection;
    const sharing =
      own.sharedBy === "cpu" && cpu !== undefined && cpu.count.value > 0
        ? system.node.accelerator.count.value / cpu.count.value
        : 1;
    const where = bw.sources.map((s) => s.title).join("; ");
    return {
      id: "system",
      name: own.technology,
      bytesPerSPerAccelerator: bw.value / Math.max(1, sharing),
      description: `${own.technology}: ${bw.value / GIGA} GB/s per direction${sharing > 1 ? ` shared by ${sharing} accelerators` : ""} (${bw.tag}; ${system.id} node.hostLink: ${where})`,
    };
  }
  const chosen = id ?? "pcie-gen5-x16";
  const link = links().find((l) => l.id === chosen);
  if (link === undefined) throw new Error(`unknown host link ${chosen}`);
  const sharing =
    link.sharedBy === "cpu" && cpu !== undefined && cpu.count.value > 0
      ? system.node.accelerator.count.value / cpu.count.value
      : 1;
  const perAccelerator = (link.bandwidthGBpsPerDirection.value * GIGA) / Math.max(1, sharing);
  return {
    id: link.id,
    name: link.name,
    bytesPerSPerAccelerator: perAccelerator,
    description: `${link.name}: ${link.bandwidthGBpsPerDirection.value} GB/s per direction${sharing > 1 ? ` shared by ${sharing} accelerators` : ""} (${link.bandwidthGBpsPerDirection.tag}, ${link.bandwidthGBpsPerDirection.source})`,
  };
}
