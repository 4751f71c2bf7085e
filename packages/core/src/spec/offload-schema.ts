/**
 * Weight and KV-cache offload to host memory (`deployment.<group>.offload`): a share of each
 * decoder layer's weights, and a share of every sequence's KV cache, live in the host CPU's DRAM
 * and cross the host link (Grace NVLink-C2C, PCIe) whenever a layer runs. Host links:
 * packages/core/data/deploy/host-links.yaml.
 *
 * @example
 * offload: { weightsFraction: 0.5 }                     # half of every layer's weights streamed
 * offload: { kvCacheFraction: 0.25, link: pcie-gen5-x16 }
 */
import { z } from "zod";

export const offloadSchema = z.strictObject({
  /** Share (0–1) of each decoder layer's weights held in host memory and streamed to HBM every time the layer runs. */
  weightsFraction: z.number().min(0).max(1).default(0),
  /** Share (0–1) of each sequence's KV cache held in host memory and read over the host link by every attention. */
  kvCacheFraction: z.number().min(0).max(1).default(0),
  /** Host link id (host-links.yaml); default: the node's CPU–accelerator link (C2C for Grace, PCIe otherwise). */
  link: z.string().min(1).optional(),
});
export type OffloadSpec = z.output<typeof offloadSchema>;
