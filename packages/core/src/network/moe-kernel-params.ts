/**
 * Per-copy costs of MoE dispatch/combine kernels, loaded once from
 * `packages/core/data/fabric/moe-kernels.yaml` (every value with its source). A kernel that handles
 * each token copy serially on its vector cores issues copies no faster than 1 / (cost per copy),
 * whatever the link round trip: its rate is per copy, not per byte.
 */

import { z } from "zod";
import { builtinParsedOnce } from "../catalog/index.ts";
import {
  keyedSourcedValueSchema,
  MICROSECOND,
  parseDocument,
  type Sourced,
  type SourceRef,
  SupernodeError,
  sourcesBlockSchema,
} from "../spec/index.ts";
import { byLibrary, type LibraryId } from "../topology/index.ts";

export interface MoeKernelParams {
  /** Time a rank spends per token copy it sends (seconds), when the kernels process copies one by one. */
  readonly perCopyCostS?: Sourced<number>;
  /**
   * Normal (prefill) dispatch kernels that, after a flag barrier, pull the received rows per
   * (local expert, source rank) entry, expert-major, in equal contiguous ranges over this many
   * vector cores per rank, one entry after another (network/moe-copy-out.ts).
   */
  readonly normalDispatchCopyOutCores?: Sourced<number>;
}

const valueSchema = keyedSourcedValueSchema(z.number().finite().positive());
const fileSchema = z.strictObject({
  sources: sourcesBlockSchema,
  // A library without an entry (hccl-aicpu, the AI-CPU expansion of HCCL collectives, runs no MoE
  // kernels) has no per-copy cost.
  kernels: z.strictObject(
    byLibrary(() =>
      z
        .strictObject({
          perCopyCostUs: valueSchema.optional(),
          normalDispatchCopyOutCores: valueSchema.optional(),
        })
        .optional(),
    ),
  ),
});

/**
 * Parses a MoE kernel parameter file's text.
 * @example parseMoeKernelParams(text, "moe-kernels.yaml")["cann-ep"].perCopyCostS?.value // 1.169e-7
 */
export function parseMoeKernelParams(
  text: string,
  fileName: string,
): Readonly<Record<LibraryId, MoeKernelParams>> {
  const doc = parseDocument(text, fileName, fileSchema);
  const sourced = (id: LibraryId, field: string, v: z.output<typeof valueSchema>, scale: number) => {
    const keys = typeof v.source === "string" ? [v.source] : v.source;
    const sources: SourceRef[] = keys.map((key) => {
      const s = doc.sources[key];
      if (s === undefined)
        throw new SupernodeError("invalid-value", `unknown source key "${key}"`, {
          file: fileName,
          fieldPath: ["kernels", id, field, "source"],
        });
      return { key, title: s.title, url: s.url, section: s.section };
    });
    return { value: v.value * scale, sources, tag: v.tag, note: v.note };
  };
  const one = (id: LibraryId): MoeKernelParams => {
    const k = doc.kernels[id];
    const perCopy = k?.perCopyCostUs;
    const cores = k?.normalDispatchCopyOutCores;
    return {
      ...(perCopy !== undefined && { perCopyCostS: sourced(id, "perCopyCostUs", perCopy, MICROSECOND) }),
      ...(cores !== undefined && {
        normalDispatchCopyOutCores: sourced(id, "normalDispatchCopyOutCores", cores, 1),
      }),
    };
  };
  return byLibrary(one);
}

/**
 * The built-in MoE kernel parameters (memoised).
 * @example builtinMoeKernelParams()["cann-ep"].perCopyCostS?.value // 1.169e-7 s
 */
export const builtinMoeKernelParams: () => Readonly<Record<LibraryId, MoeKernelParams>> = builtinParsedOnce(
  "fabric/moe-kernels.yaml",
  parseMoeKernelParams,
);

/** The kernel family an exchange names: DeepEP-style `normal` (throughput, prefill) or `low-latency`. */
type KernelFamily = "normal" | "low-latency" | undefined;

/**
 * Whether an exchange runs DeepEP's low-latency kernels: the `deepep` library (or a case that
 * names none) on an NVIDIA system, kernels other than `normal`.
 */
export function isDeepEpLowLatency(
  library: LibraryId | undefined,
  kernels: KernelFamily,
  vendor: string,
): boolean {
  return (library === undefined || library === "deepep") && kernels !== "normal" && vendor === "NVIDIA";
}

/**
 * Whether an exchange runs DeepEP-Ascend's normal kernels (sgl-kernel-npu `cam_moe_dispatch_normal.h`
 * / `cam_moe_combine_normal.h`, SGLang's prefill on Ascend): `normal` kernels under a CANN library
 * (cann-mc2; cann-ep, whose per-copy costs stand in for them; or a case that names none) on a
 * Huawei system. The library catalogue has no entry of their own: their per-copy cost is not published.
 */
export function isDeepEpAscendNormal(
  library: LibraryId | undefined,
  kernels: KernelFamily,
  vendor: string,
): boolean {
  return (
    (library === undefined || library === "cann-ep" || library === "cann-mc2") &&
    kernels === "normal" &&
    vendor === "Huawei"
  );
}
