/**
 * The peaks an operator's roofline divides by: the chip's tensor-engine peak of the operator's format
 * (with a clear error where the chip has no such engine), the BF16 peak relative to another, and the
 * vector-unit peak of a class profile.
 */
import type { Dtype } from "../hardware/index.ts";
import type { Operator } from "../model/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { type Device, supportedDtypes } from "./device.ts";
import type { ClassProfile, ProfileValue } from "./efficiency-profile.ts";

/** The chip's dense BF16 (else FP16) tensor peak over `peak` (1 when it has neither). */
export function bf16OverPeak(device: Device, peak: number): number {
  const bf16 = device.peakFlopsPerS.bf16 ?? device.peakFlopsPerS.fp16;
  return bf16 !== undefined && peak > 0 ? bf16.value / peak : 1;
}

/** The tensor-engine peak of `dtype` the operator runs at; a clear error naming the chip's formats when it has none. */
export function tensorPeak(device: Device, dtype: Dtype, op: Operator): number {
  const peak = device.peakFlopsPerS[dtype];
  if (peak !== undefined) return peak.value;
  const mapped = dtype === op.dtype ? "" : ` (mapped from ${op.dtype})`;
  const fp8Hint =
    dtype === "fp8" && device.peakFlopsPerS.int8 !== undefined
      ? "; FP8 models run in INT8 on this chip: pass the mapping fp8→int8 (CLI: --map-dtype fp8=int8) to do that explicitly"
      : "";
  throw new SupernodeError(
    "unsupported",
    `chip ${device.chipId} (${device.chipName}) has no ${dtype}${mapped} tensor engine, needed by operator ${op.name}; it supports ${supportedDtypes(device).join(", ")}${fp8Hint}`,
  );
}

/** Vector-unit peak of the device: the profile's absolute figure, else a fraction of the BF16/FP16 tensor peak. */
export function vectorPeakFlopsPerS(
  cls: ClassProfile,
  device: Device,
): { value: number; source: ProfileValue } {
  if (cls.vectorPeakFlopsPerS !== undefined)
    return { value: cls.vectorPeakFlopsPerS.value, source: cls.vectorPeakFlopsPerS };
  const fraction = cls.vectorPeakFractionOfBf16;
  const base = device.peakFlopsPerS.bf16 ?? device.peakFlopsPerS.fp16;
  if (fraction === undefined || base === undefined)
    throw new SupernodeError(
      "unsupported",
      `chip ${device.chipId} has no vector-unit peak in its efficiency profile and no BF16/FP16 peak to scale`,
    );
  return { value: fraction.value * base.value, source: fraction };
}
