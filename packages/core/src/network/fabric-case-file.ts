/**
 * The fabric reference-case file (`data/fabric/reference-cases.yaml`): its schema — each case's
 * conditions (UB microbenchmark, MoE dispatch / combine, NCCL collective, NCCL per NIC, an engine's
 * all-reduce), published value, unit, role and source. network/reference-cases.ts predicts the cases.
 */
import { z } from "zod";
import { parseBuiltinData, referenceRoleSchema } from "../catalog/index.ts";
import { engineAllReduceConditionsSchema } from "./engine-all-reduce-case.ts";
import { ncclVersionSchema } from "./nccl-protocol-file.ts";

/** The file, relative to the data directory. */
export const FABRIC_CASE_FILE = "fabric/reference-cases.yaml";

const conditionsSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("ub"),
    path: z.enum(["npu-npu", "npu-cpu"]),
    op: z.enum(["read", "write"]),
    locality: z.enum(["intra", "inter"]),
    metric: z.enum(["bandwidth", "latency"]),
    messageBytes: z.number().positive(),
  }),
  z.strictObject({
    kind: z.literal("moe"),
    system: z.enum(["cloudmatrix384", "hgx-h800", "hgx-h100", "dgx-b200", "gb200-nvl72"]),
    /** MoE kernels, when not the fabric's default (TensorRT-LLM's `nvlink-one-sided`). */
    library: z.enum(["cann-ep", "cann-mc2", "deepep", "nvlink-one-sided"]).optional(),
    direction: z.enum(["dispatch", "combine"]),
    ranks: z.number().int().positive(),
    tokensPerRank: z.number().positive(),
    topK: z.number().int().positive(),
    bytesPerToken: z.number().positive(),
    /**
     * Bytes per copy the benchmark divides by the time, when not the wire bytes (DeepEP-Ascend
     * counts INT8 dispatch as BF16 rows in its normal test, and hidden + scales + 16 in low latency).
     */
    countedBytesPerToken: z.number().positive().optional(),
    metric: z.enum(["latency", "bandwidth", "bottleneck-bandwidth"]),
    transport: z.enum(["auto", "scale-out"]).optional(),
    /** DeepEP kernel family; `normal` with `routing` counts deduplicated copies. */
    kernels: z.enum(["normal", "low-latency"]).optional(),
    routing: z
      .strictObject({
        experts: z.number().int().positive(),
        groups: z.number().int().positive(),
        topKGroups: z.number().int().positive(),
      })
      .optional(),
  }),
  z.strictObject({
    kind: z.literal("nccl"),
    /** `all-to-all`: nccl-tests `alltoall_perf` (grouped send / receive to every peer), `bytes` the send buffer per rank. */
    op: z.enum(["all-reduce", "all-gather", "reduce-scatter", "all-to-all"]),
    /** Absent: what NCCL's tuner picks (the fastest the model offers). */
    algorithm: z.enum(["ring", "in-switch", "tree"]).optional(),
    system: z
      .enum(["hgx-h100", "hgx-h200", "dgx-b200", "hgx-b300", "gb200-nvl72", "gb300-nvl72"])
      .default("hgx-h100"),
    ranks: z.number().int().positive(),
    bytes: z.number().positive(),
    metric: z.enum(["busbw", "algbw", "time"]),
    /** false: the run set NCCL_NVLS_ENABLE=0 (no NVLS, no NVLSTree). */
    inSwitch: z.boolean().optional(),
    /**
     * GPUs of each NVLink partition, when the run used NVLink partitions of a rack (whole compute
     * trays) joined over the scale-out network rather than whole systems.
     */
    partitionGpus: z.number().int().positive().optional(),
    /** NCCL version the source states, where NCCL's constants differ by version. */
    ncclVersion: ncclVersionSchema.optional(),
  }),
  z.strictObject({ kind: z.literal("nccl-nic"), metric: z.literal("per-nic") }),
  engineAllReduceConditionsSchema,
]);

const fileSchema = z.strictObject({
  cases: z.array(
    z.strictObject({
      id: z.string().min(1),
      description: z.string().min(1),
      published: z.number().positive(),
      unit: z.enum(["GB/s", "us"]),
      source: z.string().min(1),
      role: referenceRoleSchema,
      duplicateOf: z.string().min(1).optional(),
      note: z.string().optional(),
      conditions: conditionsSchema,
    }),
  ),
});

export type FabricCaseConditions = z.output<typeof conditionsSchema>;

/** The cases as the file gives them, parsed on every call. */
export function parseFabricCaseFile(): z.output<typeof fileSchema> {
  return parseBuiltinData(FABRIC_CASE_FILE, fileSchema);
}
