/**
 * Small fixture chips and operator builders for the perf tests, independent of the hardware
 * catalog. Figures follow ../shared/references/hardware.md (per package, dense).
 */

import type { Chip, Dtype } from "../../hardware/types.ts";
import type { Operator, OperatorClass } from "../../model/types.ts";
import type { Sourced, SourceRef } from "../../spec/sourced.ts";

const fixtureSource: SourceRef = { key: "fixture", title: "test fixture", url: "test://fixture" };
const s = (value: number): Sourced<number> => ({ value, sources: [fixtureSource], tag: "spec" });

function chip(
  id: string,
  dies: number,
  diesAreDevices: boolean,
  peaks: Partial<Record<Dtype, number>>,
  memory: { bandwidth: number; capacity: number },
): Chip {
  const peakFlopsPerS: Partial<Record<Dtype, Sourced<number>>> = {};
  for (const [dtype, value] of Object.entries(peaks)) peakFlopsPerS[dtype as Dtype] = s(value);
  return {
    id,
    name: id,
    vendor: "fixture",
    kind: "accelerator",
    origin: { kind: "builtin", file: "fixture" },
    dies: s(dies),
    diesAreDevices,
    peakFlopsPerS,
    memory: { technology: "HBM", capacityBytes: s(memory.capacity), bandwidthBytesPerS: s(memory.bandwidth) },
  };
}

/** Ascend 910C, 752-TFLOPS SKU: two dies, each a device; no FP8. */
export const fixture910c: Chip = chip(
  "ascend-910c",
  2,
  true,
  { fp16: 752e12, bf16: 752e12, int8: 1504e12 },
  { bandwidth: 3.2e12, capacity: 128e9 },
);

/** H800 SXM5. */
export const fixtureH800: Chip = chip(
  "h800-sxm",
  1,
  false,
  { bf16: 989e12, fp16: 989e12, fp8: 1979e12, int8: 1979e12 },
  { bandwidth: 3.35e12, capacity: 80e9 },
);

/** H100 SXM5 (same GH100 tensor peaks as the H800; its efficiency file extends the H800's). */
export const fixtureH100: Chip = chip(
  "h100-sxm",
  1,
  false,
  { bf16: 989e12, fp16: 989e12, fp8: 1979e12, int8: 1979e12 },
  { bandwidth: 3.35e12, capacity: 80e9 },
);

/** B200 (two dies acting as one GPU; efficiency/b200.yaml). */
export const fixtureB200: Chip = chip(
  "b200",
  2,
  false,
  { bf16: 2250e12, fp8: 4500e12, fp4: 9000e12, int8: 4500e12 },
  { bandwidth: 7.7e12, capacity: 180e9 },
);

/** A chip with B200's figures and no efficiency file of its own: it gets the default profile. */
export const fixtureChipWithoutProfile: Chip = chip(
  "test-chip-without-profile",
  2,
  false,
  { bf16: 2250e12, fp8: 4500e12, fp4: 9000e12, int8: 4500e12 },
  { bandwidth: 7.7e12, capacity: 180e9 },
);

/** A GEMM operator: `m` rows per group; A and B in `dtype`, C written in BF16. */
export function gemmOperator(args: {
  m: number;
  n: number;
  k: number;
  groups?: number;
  dtype?: Dtype;
  cls?: Extract<OperatorClass, "gemm" | "grouped-gemm">;
  name?: string;
}): Operator {
  const groups = args.groups ?? 1;
  const dtype = args.dtype ?? "bf16";
  const elementBytes =
    dtype === "fp4"
      ? 0.5
      : dtype === "fp32" || dtype === "tf32"
        ? 4
        : dtype === "bf16" || dtype === "fp16"
          ? 2
          : 1;
  return {
    name: args.name ?? "gemm",
    class: args.cls ?? (groups > 1 ? "grouped-gemm" : "gemm"),
    dtype,
    flops: 2 * args.m * args.n * args.k * groups,
    bytesRead: {
      weights: groups * args.k * args.n * elementBytes,
      activations: groups * args.m * args.k * elementBytes,
      kvCache: 0,
    },
    bytesWritten: { activations: groups * args.m * args.n * 2, kvCache: 0 },
    shape: { m: args.m, n: args.n, k: args.k, ...(args.groups !== undefined && { groups: args.groups }) },
    kernels: 1,
  };
}

/** A bare operator with given FLOPs and bytes read (as activations). */
export function plainOperator(
  cls: OperatorClass,
  flops: number,
  bytes: number,
  dtype: Dtype = "bf16",
): Operator {
  return {
    name: cls,
    class: cls,
    dtype,
    flops,
    bytesRead: { weights: 0, activations: bytes, kvCache: 0 },
    bytesWritten: { activations: 0, kvCache: 0 },
    kernels: 1,
  };
}
