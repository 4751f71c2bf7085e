/**
 * How an engine release runs a DeepSeek Sparse Attention prefill's attention core on one chip
 * (engine-file.ts `dsaPrefill`): the MLA form, whether the sparse kernel runs the whole padded
 * top-k width, and the query-head multiple it pads to.
 */

import { type ChipIdentity, listsChip } from "./chip-identity.ts";
import type { DsaPrefillForm, EngineRelease } from "./engine-file.ts";

/** How the engine runs a DSA prefill's sparse core on one chip (engine-file.ts `dsaPrefill`). */
export interface DsaPrefill {
  readonly form: DsaPrefillForm;
  /** Every query runs the whole top-k width (no per-token top-k length given to the kernel). */
  readonly padsTopK: boolean;
  /** The kernel's query heads per rank are rounded up to a multiple of this (absent: no padding). */
  readonly padHeads?: number;
  /** The kernel's operands are staged in copies of their own (engine-dsa-prefill-schema.ts `stagingCopies`). */
  readonly stagingCopies: boolean;
}

/**
 * The release's DSA prefill on `chip`; undefined where it records none for the chip's vendor.
 * @example dsaPrefillOf(release, { id: "gb300", vendor: "NVIDIA", origin: {} })?.padHeads // 128 (vLLM 0.14)
 */
export function dsaPrefillOf(
  release: EngineRelease,
  chip: ChipIdentity & { readonly vendor: string },
): DsaPrefill | undefined {
  const d = release.dsaPrefill;
  if (d === undefined || (d.chipVendors !== undefined && !d.chipVendors.includes(chip.vendor)))
    return undefined;
  const pad = d.padHeads?.find((p) => listsChip(p.chips, chip));
  return {
    form: d.value,
    padsTopK: d.padsTopK ?? false,
    stagingCopies: d.stagingCopies ?? false,
    ...(pad !== undefined && { padHeads: pad.heads }),
  };
}
