import { describe, expect, it } from "vitest";
import { SupernodeError } from "../spec/errors.ts";
import { kvBytesPerToken, kvBytesPerTokenPerLayer } from "./kv-cache.ts";
import { countParameters } from "./parameters.ts";
import {
  matrixBytes,
  resolveComponentFormats,
  tensorFormat,
  weightBytes,
  weightFormat,
} from "./weight-bytes.ts";
import { modelLayerTensors } from "./weight-tensors.ts";
import { builtinModel } from "./zoo.ts";

describe("matrixBytes", () => {
  const rows = 7168;
  const cols = 2048;
  const n = rows * cols;
  it("adds the scales of each scheme", () => {
    expect(matrixBytes(rows, cols, weightFormat("bf16"))).toBe(2 * n);
    expect(matrixBytes(rows, cols, weightFormat("fp8"))).toBe(n + 56 * 16 * 4);
    expect(matrixBytes(rows, cols, weightFormat("int8"))).toBe(n + rows * 4);
    expect(matrixBytes(rows, cols, weightFormat("fp8", { scheme: "per-tensor" }))).toBe(n + 4);
    expect(matrixBytes(rows, cols, weightFormat("fp4"))).toBe(n / 2 + n / 16 + 4);
    expect(matrixBytes(rows, cols, weightFormat("fp4", { scheme: "mxfp4-g32" }))).toBe(n / 2 + n / 32);
    // INT4 weight-only (compressed-tensors, group 32): half a byte plus one bf16 scale per 32.
    expect(weightFormat("int4").scheme).toBe("int4-g32");
    expect(matrixBytes(rows, cols, weightFormat("int4"))).toBe(n / 2 + (n / 32) * 2);
  });
  it("rounds partial blocks up", () => {
    expect(matrixBytes(576, 7168, weightFormat("fp8"))).toBe(576 * 7168 + 5 * 56 * 4);
  });
  it("rejects a scheme that does not fit the dtype", () => {
    expect(() => weightFormat("bf16", { scheme: "nvfp4-g16" })).toThrow(SupernodeError);
    expect(() => weightFormat("int4", { scheme: "nvfp4-g16" })).toThrow(SupernodeError);
    expect(() => weightFormat("fp4", { scheme: "int4-g32" })).toThrow(SupernodeError);
  });
});

describe("weightBytes", () => {
  it("is 2 bytes per parameter in bf16", () => {
    const arch = builtinModel("deepseek-v3");
    const c = countParameters(arch);
    const b = weightBytes(arch, "bf16");
    expect(b.total).toBe(2 * c.total);
    expect(b.mtp).toBe(2 * c.mtp);
    expect(b.scaleBytes).toBe(0);
  });

  it("keeps embeddings, head and router in bf16 and adds block scales in fp8", () => {
    const arch = builtinModel("deepseek-v3");
    const c = countParameters(arch);
    const b = weightBytes(arch, "fp8");
    expect(b.byComponent.embedding).toBe(2 * c.byComponent.embedding);
    expect(b.byComponent["lm-head"]).toBe(2 * c.byComponent["lm-head"]);
    expect(b.byComponent.router).toBe(2 * c.byComponent.router);
    // 128x128 fp32 block scales: ~4 / 16384 of the fp8 payload.
    expect(b.scaleBytes / b.byComponent["routed-experts"]).toBeGreaterThan(2e-4);
    expect(b.scaleBytes / b.byComponent["routed-experts"]).toBeLessThan(3e-4);
    const parts = Object.entries(b.byComponent)
      .filter(([k]) => k !== "mtp")
      .reduce((s, [, v]) => s + v, 0);
    expect(parts).toBeCloseTo(b.total, 0);
  });

  it("orders dtypes by size", () => {
    const arch = builtinModel("qwen3-235b-a22b");
    const sizes = (["bf16", "fp8", "int8", "fp4"] as const).map((d) => weightBytes(arch, d).total);
    expect(sizes[0]).toBeGreaterThan(sizes[1] ?? 0);
    expect(sizes[3]).toBeLessThan(sizes[1] ?? 0);
    expect(sizes[3]).toBeGreaterThan((sizes[0] ?? 0) / 4);
  });
});

describe("KV cache", () => {
  it("stores 512 + 64 latent values per MLA layer: 70.3 KB per token for DeepSeek-V3 in BF16", () => {
    const arch = builtinModel("deepseek-v3");
    expect(kvBytesPerTokenPerLayer(arch, "bf16")).toBe(1152);
    expect(kvBytesPerToken(arch, "bf16")).toBe(61 * 576 * 2);
    expect(kvBytesPerToken(arch, "bf16") / 1e3).toBeCloseTo(70.3, 1);
    expect(kvBytesPerToken(arch, "fp8", { includeMtp: true })).toBe(62 * 576);
  });

  it("stores K and V per KV head for GQA", () => {
    expect(kvBytesPerTokenPerLayer(builtinModel("llama-3.1-8b"), "bf16")).toBe(2 * 8 * 128 * 2);
    expect(kvBytesPerToken(builtinModel("llama-3.1-70b"), "fp8")).toBe(80 * 2 * 8 * 128);
  });
});

describe("the attention output projection's own format", () => {
  const bf16 = { weights: weightFormat("bf16"), computeDtype: "bf16" as const };
  const fp4 = { weights: weightFormat("fp4"), computeDtype: "fp4" as const };
  const fp8 = { weights: weightFormat("fp8"), computeDtype: "fp8" as const };
  it("follows the attention projections unless it has its own", () => {
    const follows = resolveComponentFormats(bf16, (c) => (c === "attention" ? fp8 : undefined));
    expect(follows["attention-output"].computeDtype).toBe("fp8");
    const own = resolveComponentFormats(bf16, (c) => (c === "attention-output" ? fp4 : undefined));
    expect(own["attention-output"].computeDtype).toBe("fp4");
    expect(own.attention.computeDtype).toBe("bf16");
  });
  it("stores o_proj alone in that format (DeepSeek-R1 NVFP4 v2: wo quantized)", () => {
    const arch = builtinModel("deepseek-v3");
    const oProj = modelLayerTensors(arch)
      .flat()
      .find((t) => t.name === "attn.o_proj");
    const qb = modelLayerTensors(arch)
      .flat()
      .find((t) => t.name === "attn.q_b_proj");
    if (oProj === undefined || qb === undefined) throw new Error("missing tensors");
    const overrides = { "attention-output": weightFormat("fp4") };
    expect(tensorFormat(oProj, weightFormat("bf16"), overrides).dtype).toBe("fp4");
    expect(tensorFormat(qb, weightFormat("bf16"), overrides).dtype).toBe("bf16");
    expect(tensorFormat(oProj, weightFormat("bf16"), { attention: weightFormat("fp8") }).dtype).toBe("fp8");
  });
});
