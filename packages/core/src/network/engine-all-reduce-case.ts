/**
 * Fabric reference cases of a serving engine's own TP all-reduce (kind `engine-all-reduce`): the
 * engine's kernel tables (aiconfigurator's TensorRT-LLM custom all-reduce timings), predicted as the
 * step model charges that all-reduce — TensorRT-LLM's one-shot kernel where it beats the NCCL stand-in,
 * vLLM's custom kernel below its limits (`engine-all-reduce.ts`, `vllm-custom-all-reduce.ts`).
 */

import { z } from "zod";
import { builtinCatalog } from "../catalog/index.ts";
import { DTYPE_BYTES } from "../hardware/index.ts";
import { MICROSECOND } from "../spec/index.ts";
import { collectiveTime } from "./collective-time.ts";
import { engineOwnAllReduce } from "./engine-all-reduce.ts";
import { fabricModel } from "./fabric-model.ts";
import { builtinNcclProtocols } from "./nccl-protocol-file.ts";

export const engineAllReduceConditionsSchema = z.strictObject({
  kind: z.literal("engine-all-reduce"),
  engine: z.string().min(1),
  /** The engine's version where it decides the path (vLLM: symmetric memory by default or not). */
  version: z.string().min(1).optional(),
  system: z.enum(["hgx-h100", "hgx-h200", "dgx-b200", "gb200-nvl72", "gb300-nvl72"]),
  ranks: z.number().int().positive(),
  /** Bytes of the buffer each rank reduces (BF16: 2 × the benchmark's element count). */
  bytes: z.number().positive(),
  metric: z.literal("time"),
});

/**
 * Microseconds of the engine's all-reduce as the step model times it.
 * @example engineAllReducePrediction({ kind: "engine-all-reduce", engine: "trtllm", system: "dgx-b200", ranks: 4, bytes: 8192, metric: "time" }) // ≈ 4.77
 */
export function engineAllReducePrediction(c: z.output<typeof engineAllReduceConditionsSchema>): number {
  const system = builtinCatalog().system(c.system);
  const nccl = collectiveTime(system, {
    op: "all-reduce",
    bytes: c.bytes,
    ranks: c.ranks,
    ...(builtinNcclProtocols().servingTpInSwitch ? {} : { inSwitch: false }),
    engineKernel: true,
  }).timeS;
  // the benchmark's rows are 4,096 BF16 elements wide (collect_all_reduce.py token_dim)
  const rows = c.bytes / (4096 * DTYPE_BYTES.bf16);
  return (
    (engineOwnAllReduce(c.engine, c.version, fabricModel(system), c.ranks, rows, c.bytes, nccl)?.timeS ??
      nccl) / MICROSECOND
  );
}
