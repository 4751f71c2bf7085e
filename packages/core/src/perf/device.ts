/**
 * The device one rank runs on. For chips whose dies are separately addressed devices (the Ascend
 * 910C: `chip.diesAreDevices`), a device is one die and gets the package figures divided by the
 * number of dies; for GPUs (B200 included, whose two dies act as one GPU) it is the package.
 */

import { type Chip, DTYPES, type Dtype } from "../hardware/index.ts";
import { derived, memoByObject, type Sourced } from "../spec/index.ts";

export interface Device {
  /** Catalog id of the chip this device belongs to. */
  readonly chipId: string;
  readonly chipName: string;
  /** Devices per chip package (2 for the 910C, 1 for GPUs). */
  readonly devicesPerChip: number;
  /** Dense tensor-engine peak per format, per device. Absent: the chip has no such format. */
  readonly peakFlopsPerS: Readonly<Partial<Record<Dtype, Sourced<number>>>>;
  readonly memoryBandwidthBytesPerS: Sourced<number>;
  /** Memory a program can allocate on the device (the chip's addressable memory, else its capacity). */
  readonly memoryCapacityBytes: Sourced<number>;
}

/**
 * The per-rank device of a chip.
 * @example computeDevice(ascend910c).memoryBandwidthBytesPerS.value === 1.6e12 // 3.2 TB/s ÷ 2 dies
 */
// Memoised per chip object (catalog chips are shared by every scenario resolved from them): a
// search builds a step context for every candidate.
export const computeDevice: (chip: Chip) => Device = memoByObject(deviceOf);

function deviceOf(chip: Chip): Device {
  const split = chip.diesAreDevices ? chip.dies.value : 1;
  const perDevice = (value: Sourced<number>, what: string): Sourced<number> =>
    split === 1
      ? value
      : derived(value.value / split, `${what} per die: package value ÷ ${split} dies`, value, chip.dies);
  const peakFlopsPerS: Partial<Record<Dtype, Sourced<number>>> = {};
  for (const dtype of DTYPES) {
    const peak = chip.peakFlopsPerS[dtype];
    if (peak !== undefined) peakFlopsPerS[dtype] = perDevice(peak, `${dtype} peak`);
  }
  return {
    chipId: chip.id,
    chipName: chip.name,
    devicesPerChip: split,
    peakFlopsPerS,
    memoryBandwidthBytesPerS: perDevice(chip.memory.bandwidthBytesPerS, "memory bandwidth"),
    memoryCapacityBytes: perDevice(
      chip.memory.addressableBytes ?? chip.memory.capacityBytes,
      "memory capacity",
    ),
  };
}

/** Formats the device supports, in catalog order. @example supportedDtypes(device) // ["bf16","fp16","int8"] */
export function supportedDtypes(device: Device): Dtype[] {
  return DTYPES.filter((dtype) => device.peakFlopsPerS[dtype] !== undefined);
}
