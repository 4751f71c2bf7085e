/**
 * KV-cache bytes per token. GQA/MHA stores K and V for each KV head (2 × kvHeads × headDim values
 * per layer); MLA stores the compressed latent and the shared RoPE key (kvLoraRank + qkRopeHeadDim
 * values per layer, 512 + 64 = 576 for DeepSeek-V3). Values use `kvDtype` widths; formats with
 * per-token scales (FlashMLA's FP8 layout, 656 B) are not modelled here.
 */
import { DTYPE_BYTES, type Dtype } from "../hardware/types.ts";
import type { ModelArchitecture } from "./types.ts";

/**
 * Values stored per token per layer.
 * @example kvValuesPerTokenPerLayer(builtinModel("deepseek-v3")) // 576
 */
export function kvValuesPerTokenPerLayer(arch: ModelArchitecture): number {
  const a = arch.attention;
  switch (a.kind) {
    case "gqa":
      return 2 * a.numKvHeads * a.headDim;
    case "mla":
      return a.kvLoraRank + a.qkRopeHeadDim;
    default: {
      const unreachable: never = a;
      return unreachable;
    }
  }
}

/**
 * Bytes per token per layer.
 * @example kvBytesPerTokenPerLayer(builtinModel("deepseek-v3"), "bf16") // 1152
 */
export function kvBytesPerTokenPerLayer(arch: ModelArchitecture, kvDtype: Dtype): number {
  return kvValuesPerTokenPerLayer(arch) * DTYPE_BYTES[kvDtype];
}

/**
 * Bytes per token over all decoder layers of the main model (and the MTP modules' layers if asked).
 * @example kvBytesPerToken(builtinModel("deepseek-v3"), "bf16") // 70272 (61 × 576 × 2)
 */
export function kvBytesPerToken(
  arch: ModelArchitecture,
  kvDtype: Dtype,
  options: { readonly includeMtp?: boolean } = {},
): number {
  const layers = arch.numLayers + (options.includeMtp === true ? arch.mtpModules : 0);
  return layers * kvBytesPerTokenPerLayer(arch, kvDtype);
}
