/**
 * The published checkpoint's formats per component (`ModelArchitecture.checkpointComponents`) as
 * weight-format overrides: gpt-oss's MXFP4 experts beside BF16 attention, or an FP4 preset's NVFP4
 * experts beside FP8 attention. `weightBytes(arch, arch.nativeDtype, { components:
 * checkpointWeightFormats(arch) })` is then the size of the checkpoint as published.
 */
import type { ModelArchitecture } from "./types.ts";
import { type WeightFormatOverrides, weightFormat } from "./weight-bytes.ts";

/**
 * Weight-format overrides of the components the checkpoint stores in their own format.
 * @example checkpointWeightFormats(builtinModel("gpt-oss-120b"))["routed-experts"]?.scheme // "mxfp4-g32"
 */
export function checkpointWeightFormats(arch: ModelArchitecture): WeightFormatOverrides {
  const out: Record<string, ReturnType<typeof weightFormat>> = {};
  for (const [component, f] of Object.entries(arch.checkpointComponents ?? {}))
    out[component] = weightFormat(f.dtype, { scheme: f.scheme });
  return out as WeightFormatOverrides;
}
