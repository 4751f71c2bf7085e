/**
 * Reads `packages/core/data/fabric/nccl-protocols.yaml` (NCCL's own tuner constants, each with its
 * source) into the parameters `nccl-protocols.ts` and the NCCL pipeline models use; the built-in
 * file is parsed once.
 */

import { z } from "zod";
import { builtinParsedOnce } from "../catalog/index.ts";
import {
  calibratedOnSchema,
  GIGA,
  keyedSourceFields,
  MICROSECOND,
  parseDocument,
  sourcesBlockSchema,
} from "../spec/index.ts";
import type { NcclProtocol, NcclProtocolCost, NcclProtocolParams } from "./nccl-protocols.ts";

const sourced = keyedSourceFields;
const costSchema = z.strictObject({
  baseLatencyUs: z.number().finite().nonnegative(),
  stepLatencyUs: z.number().finite().nonnegative(),
  bandwidthFactor: z.number().finite().positive().max(1),
  ...sourced,
});
const protocolsSchema = z.strictObject({
  ll: costSchema.optional(),
  ll128: costSchema.optional(),
  simple: costSchema.optional(),
});
/** NCCL's chunk-size steps: below `belowOps` operations per channel, use `chunkBytes`. */
const chunkStepsSchema = z.array(
  z.strictObject({
    belowOps: z.number().finite().positive(),
    chunkBytes: z.number().int().positive(),
    ...sourced,
  }),
);
/** An NCCL version as a data file or a reference case states it. */
export const ncclVersionSchema = z
  .string()
  .regex(/^\d+\.\d+\.\d+$/, "expected an NCCL version as major.minor.patch, e.g. 2.26.2");
const fileSchema = z.strictObject({
  sources: sourcesBlockSchema,
  referenceLatency: z.strictObject({ value: z.number().finite().nonnegative(), ...sourced }),
  algorithms: z.strictObject({
    ring: protocolsSchema,
    tree: protocolsSchema,
    "in-switch": protocolsSchema,
  }),
  llMaxBusBandwidth: z.array(
    z.strictObject({ match: z.string().min(1), value: z.number().finite().positive(), ...sourced }),
  ),
  ringLl128ChannelBusBandwidth: z.array(
    z.strictObject({
      match: z.string().min(1),
      ncclBefore: ncclVersionSchema.optional(),
      value: z.number().finite().positive(),
      ...sourced,
    }),
  ),
  stepLatencyExcess: z.array(
    z.strictObject({
      match: z.string().min(1),
      value: z.number().finite().nonnegative(),
      ...sourced,
      calibratedOn: calibratedOnSchema.optional(),
    }),
  ),
  servingTensorParallel: z.strictObject({
    inSwitch: z.strictObject({
      value: z.boolean(),
      ...sourced,
      calibratedOn: calibratedOnSchema.optional(),
    }),
  }),
  nvlsPipeline: z.strictObject({
    fillLoops: z.strictObject({
      value: z.number().finite().nonnegative(),
      ...sourced,
      calibratedOn: calibratedOnSchema.optional(),
    }),
    maxChunkBytes: z.strictObject({ value: z.number().int().positive(), ...sourced }),
    chunkSteps: chunkStepsSchema,
    channels: z.array(
      z.strictObject({
        match: z.string().min(1),
        ncclBefore: ncclVersionSchema.optional(),
        value: z.number().int().positive(),
        ...sourced,
      }),
    ),
  }),
  nvlsTreePipeline: z.strictObject({
    fillLoopsPerTreeLevel: z.strictObject({
      value: z.number().finite().nonnegative(),
      ...sourced,
      calibratedOn: calibratedOnSchema.optional(),
    }),
    maxChunkBytes: z.strictObject({ value: z.number().int().positive(), ...sourced }),
    manyNodes: z.strictObject({
      fromNodes: z.number().int().positive(),
      maxChunkBytes: z.number().int().positive(),
      ...sourced,
    }),
    chunkSteps: chunkStepsSchema,
    channels: z.array(
      z.strictObject({ match: z.string().min(1), value: z.number().int().positive(), ...sourced }),
    ),
  }),
  nvlsMaxHeads: z.strictObject({ value: z.number().int().positive(), ...sourced }),
  treePipeline: z.strictObject({
    chunkBytes: z.strictObject({ value: z.number().int().positive(), ...sourced }),
    interChannelSpeeds: z.strictObject({
      value: z.array(z.number().finite().positive()).min(1),
      ...sourced,
    }),
    maxSearchChannels: z.strictObject({ value: z.number().int().positive(), ...sourced }),
    maxChannels: z.strictObject({ value: z.number().int().positive(), ...sourced }),
  }),
  ringAcrossNodes: z.strictObject({
    channels: z.strictObject({
      value: z.enum(["search", "server"]),
      ...sourced,
      calibratedOn: calibratedOnSchema.optional(),
    }),
    netStepLatencyUs: z.strictObject({ value: z.number().finite().nonnegative(), ...sourced }),
    plateau: z.strictObject({ value: z.number().finite().positive(), ...sourced }),
  }),
  nvlsTreeChannelBusBandwidth: z.array(
    z.strictObject({
      match: z.string().min(1),
      twoNodes: z.number().finite().positive(),
      moreNodes: z.number().finite().positive(),
      ...sourced,
    }),
  ),
  nvlsGather: z.strictObject({
    minRanks: z.array(
      z.strictObject({
        ncclBefore: ncclVersionSchema.optional(),
        value: z.number().int().positive(),
        ...sourced,
      }),
    ),
    intraChannelSpeeds: z.array(
      z.strictObject({
        match: z.string().min(1),
        value: z.array(z.number().finite().positive()).min(1),
        ...sourced,
      }),
    ),
    efficiency: z.array(
      z.strictObject({ match: z.string().min(1), value: z.number().finite().positive().max(1), ...sourced }),
    ),
    rules: z.array(
      z.strictObject({
        ncclBefore: ncclVersionSchema.optional(),
        value: z.enum(["channels", "capped", "efficiency"]),
        ...sourced,
      }),
    ),
  }),
});

/**
 * Parses an NCCL protocol file's text.
 * @example parseNcclProtocols(text, "nccl-protocols.yaml").algorithms.ring?.simple?.stepLatencyS // 3.4e-6
 */
export function parseNcclProtocols(text: string, fileName: string): NcclProtocolParams {
  const doc = parseDocument(text, fileName, fileSchema);
  const cost = (c: z.output<typeof costSchema> | undefined): NcclProtocolCost | undefined =>
    c && {
      baseLatencyS: c.baseLatencyUs * MICROSECOND,
      stepLatencyS: c.stepLatencyUs * MICROSECOND,
      bandwidthFactor: c.bandwidthFactor,
    };
  const chunkSteps = (steps: z.output<typeof chunkStepsSchema>) =>
    steps.map((c) => ({ belowOps: c.belowOps, chunkBytes: c.chunkBytes }));
  const protocols = (p: z.output<typeof protocolsSchema>) => {
    const out: Partial<Record<NcclProtocol, NcclProtocolCost>> = {};
    for (const k of ["ll", "ll128", "simple"] as const) {
      const c = cost(p[k]);
      if (c !== undefined) out[k] = c;
    }
    return out;
  };
  return {
    referenceLatencyS: doc.referenceLatency.value * MICROSECOND,
    algorithms: {
      ring: protocols(doc.algorithms.ring),
      tree: protocols(doc.algorithms.tree),
      "in-switch": protocols(doc.algorithms["in-switch"]),
    },
    llMaxBusBandwidth: doc.llMaxBusBandwidth.map((g) => ({
      match: new RegExp(g.match, "i"),
      bytesPerS: g.value * GIGA,
    })),
    ringLl128ChannelBusBandwidth: doc.ringLl128ChannelBusBandwidth.map((g) => ({
      match: new RegExp(g.match, "i"),
      bytesPerS: g.value * GIGA,
      ...(g.ncclBefore !== undefined ? { ncclBefore: g.ncclBefore } : {}),
    })),
    stepLatencyExcess: doc.stepLatencyExcess.map((g) => ({
      match: new RegExp(g.match, "i"),
      seconds: g.value * MICROSECOND,
    })),
    servingTpInSwitch: doc.servingTensorParallel.inSwitch.value,
    nvlsPipeline: {
      fillLoops: doc.nvlsPipeline.fillLoops.value,
      maxChunkBytes: doc.nvlsPipeline.maxChunkBytes.value,
      chunkSteps: chunkSteps(doc.nvlsPipeline.chunkSteps),
      channels: doc.nvlsPipeline.channels.map((c) => ({
        match: new RegExp(c.match, "i"),
        value: c.value,
        ...(c.ncclBefore !== undefined ? { ncclBefore: c.ncclBefore } : {}),
      })),
    },
    nvlsTreePipeline: {
      fillLoopsPerTreeLevel: doc.nvlsTreePipeline.fillLoopsPerTreeLevel.value,
      maxChunkBytes: doc.nvlsTreePipeline.maxChunkBytes.value,
      manyNodes: {
        fromNodes: doc.nvlsTreePipeline.manyNodes.fromNodes,
        maxChunkBytes: doc.nvlsTreePipeline.manyNodes.maxChunkBytes,
      },
      chunkSteps: chunkSteps(doc.nvlsTreePipeline.chunkSteps),
      channels: doc.nvlsTreePipeline.channels.map((c) => ({
        match: new RegExp(c.match, "i"),
        value: c.value,
      })),
    },
    nvlsMaxHeads: doc.nvlsMaxHeads.value,
    treePipeline: {
      chunkBytes: doc.treePipeline.chunkBytes.value,
      interChannelSpeeds: doc.treePipeline.interChannelSpeeds.value.map((g) => g * GIGA),
      maxSearchChannels: doc.treePipeline.maxSearchChannels.value,
      maxChannels: doc.treePipeline.maxChannels.value,
    },
    ringAcrossNodes: {
      channels: doc.ringAcrossNodes.channels.value,
      netStepLatencyS: doc.ringAcrossNodes.netStepLatencyUs.value * MICROSECOND,
      plateau: doc.ringAcrossNodes.plateau.value,
    },
    nvlsTreeChannelBusBandwidth: doc.nvlsTreeChannelBusBandwidth.map((g) => ({
      match: new RegExp(g.match, "i"),
      twoNodesBytesPerS: g.twoNodes * GIGA,
      moreNodesBytesPerS: g.moreNodes * GIGA,
    })),
    nvlsGather: {
      minRanks: doc.nvlsGather.minRanks.map((r) => ({
        value: r.value,
        ...(r.ncclBefore !== undefined ? { ncclBefore: r.ncclBefore } : {}),
      })),
      intraChannelSpeeds: doc.nvlsGather.intraChannelSpeeds.map((g) => ({
        match: new RegExp(g.match, "i"),
        bytesPerS: g.value.map((v) => v * GIGA),
      })),
      efficiency: doc.nvlsGather.efficiency.map((g) => ({ match: new RegExp(g.match, "i"), value: g.value })),
      rules: doc.nvlsGather.rules.map((r) => ({
        rule: r.value,
        ...(r.ncclBefore !== undefined ? { ncclBefore: r.ncclBefore } : {}),
      })),
    },
  };
}

/** The built-in NCCL protocol parameters (memoised). */
export const builtinNcclProtocols: () => NcclProtocolParams = builtinParsedOnce(
  "fabric/nccl-protocols.yaml",
  parseNcclProtocols,
);
