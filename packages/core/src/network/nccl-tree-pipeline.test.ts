import { describe, expect, it } from "vitest";
import { builtinNcclProtocols } from "./nccl-protocol-file.ts";
import { ncclTreeChannels, ncclTreePipelineFactor } from "./nccl-tree-pipeline.ts";

const p = builtinNcclProtocols().treePipeline;

describe("NCCL's plain Tree across nodes as a chunk pipeline", () => {
  it("channels follow NCCL's search: speed not above the NIC, channels while NVLink and a NIC have room, doubled", () => {
    // NVLink 5 GPU (18 x 40.1 GB/s) with a 400 Gb/s NIC in a 72-NIC rack: 15 channels at 48 GB/s, doubled to 30
    expect(ncclTreeChannels(p, 721.8e9, 50e9, 72)).toBe(30);
    // the same GPU in an 8-GPU server: one 48 GB/s channel per 50 GB/s NIC, 8, doubled to 16 (not below 16: no second doubling)
    expect(ncclTreeChannels(p, 721.8e9, 50e9, 8)).toBe(16);
    // a 4-GPU partition: 4, doubled to 8, doubled again below 16 above 45 GB/s
    expect(ncclTreeChannels(p, 721.8e9, 50e9, 4)).toBe(16);
    // NVLink 4 (18 x 20.6 GB/s): 7 at 48 GB/s (8 NICs have room), doubled to 14, doubled again below 16 above 45 GB/s
    expect(ncclTreeChannels(p, 370.8e9, 50e9, 8)).toBe(28);
    // a 200 Gb/s NIC: 24 GB/s a channel, capped at 32 search channels, 64 to run
    expect(ncclTreeChannels(p, 900e9, 25e9, 72)).toBe(64);
  });

  it("costs 2 depth - 1 chunk rounds beyond the bytes, and nothing on one node", () => {
    const round = 30 * p.chunkBytes;
    const depth = 72 - 1 + Math.floor(Math.log2(20));
    expect(ncclTreePipelineFactor(2 ** 32, 20, 72, 30)).toBeCloseTo(
      1 + ((2 * depth - 1) * round) / 2 ** 32,
      12,
    );
    // a message smaller than one round: one chunk per channel crosses every edge
    expect(ncclTreePipelineFactor(1e6, 2, 8, 28)).toBeCloseTo(1 + (2 * 8 - 1), 12);
    expect(ncclTreePipelineFactor(2 ** 30, 1, 72, 30)).toBe(1);
    expect(ncclTreePipelineFactor(0, 4, 8, 28)).toBe(1);
    // the factor falls as the message grows
    expect(ncclTreePipelineFactor(2 ** 33, 20, 72, 30)).toBeLessThan(
      ncclTreePipelineFactor(2 ** 31, 20, 72, 30),
    );
  });
});
