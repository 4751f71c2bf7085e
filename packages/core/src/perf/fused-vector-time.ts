/**
 * Time of vector work fused into another kernel (no launch of its own): the operator model's
 * vector-class roof on the chip, `bytes` over the memory bandwidth at the profile's vector memory
 * efficiency against `flops` at the vector peak. The fabric reference cases use it for the
 * weighted sum inside a low-latency combine kernel, the same work the step model prices as its
 * `moe.combine` operator.
 */
import type { Chip } from "../hardware/index.ts";
import type { Operator } from "../model/index.ts";
import { computeDevice } from "./device.ts";
import { efficiencyProfileForChip } from "./efficiency-profile.ts";
import { operatorTime } from "./operator-time.ts";

/**
 * @example fusedVectorTime(h100, 14.7e6, 1.8e6, 7.3e6) // ≈ 5.5e-6 s (16.5 MB at ~3 TB/s)
 */
export function fusedVectorTime(chip: Chip, readBytes: number, writeBytes: number, flops: number): number {
  const op: Operator = {
    name: "fused.vector",
    class: "vector",
    dtype: "bf16",
    flops,
    bytesRead: { weights: 0, activations: readBytes, kvCache: 0 },
    bytesWritten: { activations: writeBytes, kvCache: 0 },
    kernels: 0,
  };
  return operatorTime(op, computeDevice(chip), efficiencyProfileForChip(chip)).timeS;
}
