/**
 * How a Hugging Face config's weights are stored: the native dtype (`torch_dtype`, or the
 * quantisation method) and components stored in their own format (hf-config.ts reads the rest).
 */
import type { Dtype } from "../hardware/index.ts";
import type { GqaConfig } from "./hf-config-schemas.ts";
import type { CheckpointComponent, CheckpointFormat } from "./types.ts";

/** The dtype the checkpoint's dense weights are stored in. */
export function nativeDtype(c: GqaConfig): Dtype {
  if (c.quantization_config?.quant_method === "fp8") return "fp8";
  // gpt-oss's `mxfp4` covers the experts only (attention, router, embeddings stay BF16).
  if (c.quantization_config?.quant_method === "mxfp4") return "bf16";
  switch (c.torch_dtype ?? c.dtype) {
    case "float16":
      return "fp16";
    case "float32":
      return "fp32";
    default:
      return "bf16";
  }
}

/** Components stored in their own format: the zoo's `_supernode.checkpoint`, or MXFP4 experts. */
export function checkpointOf(c: GqaConfig): {
  checkpointComponents?: Partial<Record<CheckpointComponent, CheckpointFormat>>;
} {
  const given = c._supernode?.checkpoint;
  if (given !== undefined) return { checkpointComponents: given };
  if (c.quantization_config?.quant_method === "mxfp4")
    return { checkpointComponents: { "routed-experts": { dtype: "fp4", scheme: "mxfp4-g32" } } };
  return {};
}
