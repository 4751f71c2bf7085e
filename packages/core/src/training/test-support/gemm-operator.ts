/**
 * A plain GEMM operator for training-precision tests: m × k activations times an n × k weight,
 * one byte per weight and activation element read, two per output element written.
 */
import type { Operator } from "../../model/types.ts";

export const gemmOperator = (
  name: string,
  m: number,
  n: number,
  k: number,
  dtype: Operator["dtype"] = "fp8",
): Operator => ({
  name,
  class: "gemm",
  dtype,
  flops: 2 * m * n * k,
  bytesRead: { weights: n * k, activations: m * k, kvCache: 0 },
  bytesWritten: { activations: 2 * m * n, kvCache: 0 },
  shape: { m, n, k },
  kernels: 1,
});
