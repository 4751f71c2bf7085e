/**
 * The two kinds of weight tensor every layer builder makes: a GEMM matrix (quantized by
 * low-precision schemes) and a high-precision tensor (norms, biases, gates, FP32 mixing weights).
 */
import type { WeightComponent, WeightTensor } from "./weight-tensors.ts";

/** A GEMM weight: `rows` × `cols`, `copies` stored, `active` of them multiplied per token. */
export function weightMatrix(
  name: string,
  component: WeightComponent,
  rows: number,
  cols: number,
  copies = 1,
  active = copies,
): WeightTensor {
  return { name, component, rows, cols, copies, activeCopies: active, quantizable: true };
}

/** A tensor kept in high precision whatever the scheme (a vector when `cols` is 1). */
export function highPrecisionTensor(
  name: string,
  component: WeightComponent,
  rows: number,
  cols = 1,
  copies = 1,
  active = copies,
): WeightTensor {
  return { name, component, rows, cols, copies, activeCopies: active, quantizable: false };
}
