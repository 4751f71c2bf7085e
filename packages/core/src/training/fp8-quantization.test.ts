import { describe, expect, it } from "vitest";
import { fp8QuantizeOperator, quantizedElements } from "./fp8-quantization.ts";
import { gemmOperator } from "./test-support/gemm-operator.ts";

describe("FP8 operand quantization in training", () => {
  it("quantizes a forward GEMM's input, on the 1/tp shard when it comes through the SP all-gather", () => {
    expect(quantizedElements(gemmOperator("attn.qkv_proj", 8192, 4608, 16384), 16384, 4)).toBe(
      (8192 * 16384) / 4,
    );
    // A row-parallel input (k sharded by tp) is local: all of it.
    expect(quantizedElements(gemmOperator("attn.o_proj", 8192, 16384, 4096), 16384, 4)).toBe(8192 * 4096);
  });

  it("quantizes nothing for weight-gradient GEMMs (they reuse the column-wise copies) or BF16 GEMMs", () => {
    expect(quantizedElements(gemmOperator("ffn.down_proj.wgrad", 16384, 13312, 8192), 16384, 4)).toBe(0);
    expect(
      fp8QuantizeOperator(gemmOperator("ffn.down_proj", 8192, 16384, 13312, "bf16"), 16384, 4),
    ).toBeUndefined();
  });

  it("current scaling costs an amax pass more than block-wise scaling", () => {
    const op = gemmOperator("ffn.down_proj", 8192, 16384, 13312);
    const current = fp8QuantizeOperator(op, 16384, 4, "current");
    const blockwise = fp8QuantizeOperator(op, 16384, 4, "blockwise");
    const e = 8192 * 13312;
    expect(current?.bytesRead.activations).toBe(4 * e);
    expect(current?.bytesWritten.activations).toBe(2 * e);
    expect(current?.kernels).toBe(2);
    expect(blockwise?.bytesRead.activations).toBe(2 * e);
    expect(blockwise?.kernels).toBe(1);
  });
});
