import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Operator } from "../model/index.ts";
import { SupernodeError } from "../spec/errors.ts";
import { computeDevice } from "./device.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { operatorBytes, operatorTime } from "./operator-time.ts";
import { groupOverheadTime, overlappedRoof } from "./operator-time-terms.ts";
import {
  fixture910c,
  fixtureB200,
  fixtureH800,
  gemmOperator,
  plainOperator,
} from "./test-support/fixture-chips.ts";

const die = computeDevice(fixture910c);
const ascend = efficiencyProfile("ascend-910c");
const h800 = computeDevice(fixtureH800);
const h800Profile = efficiencyProfile("h800-sxm");

describe("operatorTime", () => {
  it("times a large INT8 grouped GEMM on a 910C die as compute-bound at the fitted efficiency", () => {
    const op = gemmOperator({ m: 7168, n: 4096, k: 4096, groups: 4, dtype: "int8" });
    const t = operatorTime(op, die, ascend);
    expect(t.bound).toBe("compute");
    expect(t.computeEfficiency).toBeCloseTo(0.794, 3);
    expect(t.computeS).toBeCloseTo(op.flops / (752e12 * t.computeEfficiency), 12);
    expect(t.overheadS).toBeCloseTo(5e-6, 12);
    expect(t.timeS).toBeCloseTo(t.computeS + t.overheadS, 12);
    expect(t.defaulted).toBe(false);
  });

  it("makes a decode GEMM with few tokens memory-bound on the weights", () => {
    const op = gemmOperator({ m: 8, n: 7168, k: 2048, dtype: "int8" });
    const t = operatorTime(op, die, ascend);
    expect(t.bound).toBe("memory");
    const bytes = 7168 * 2048 + 8 * 2048 + 8 * 7168 * 2;
    expect(t.memoryS).toBeCloseTo(bytes / (1.6e12 * 0.841), 12);
    // 8 of 128 tile rows used: the compute term pays for a whole tile.
    expect(t.computeEfficiency).toBeLessThan(0.1);
  });

  it("charges launch overhead per kernel and reports overhead-bound tiny operators", () => {
    const tiny = { ...plainOperator("vector", 1e3, 1e3), kernels: 3 };
    const t = operatorTime(tiny, die, ascend);
    expect(t.bound).toBe("overhead");
    expect(t.overheadS).toBeCloseTo(3 * 2e-6, 12);
  });

  it("uses the vector peak, not the tensor peak, for vector operators", () => {
    const op = plainOperator("vector", 22e9, 1);
    const t = operatorTime(op, die, ascend);
    expect(t.computeS).toBeCloseTo(1e-3, 9); // 22 GFLOP at 22 TFLOP/s
  });

  it("rejects FP8 on the 910C, naming the chip, the dtype and the supported ones", () => {
    const op = gemmOperator({ m: 128, n: 128, k: 128, dtype: "fp8" });
    let error: unknown;
    try {
      operatorTime(op, die, ascend);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SupernodeError);
    expect((error as SupernodeError).kind).toBe("unsupported");
    expect((error as SupernodeError).message).toMatch(/ascend-910c.*no fp8.*supports bf16, fp16, int8/);
  });

  it("runs FP8 as INT8 on the 910C with an explicit mapping, and records it", () => {
    const op = gemmOperator({ m: 7168, n: 4096, k: 4096, groups: 4, dtype: "fp8" });
    const asInt8 = operatorTime({ ...op, dtype: "int8" }, die, ascend);
    const mapped = operatorTime(op, die, ascend, { dtypeMapping: { fp8: "int8" } });
    expect(mapped.dtype).toBe("int8");
    expect(mapped.mappedFrom).toBe("fp8");
    expect(mapped.timeS).toBe(asInt8.timeS);
    expect(asInt8.mappedFrom).toBeUndefined();
  });

  it("flags values taken from the default profile, and only those", () => {
    // The H800 has FP8 (DeepGEMM) and BF16 (cuBLAS, measured on the H200) GEMM ceilings; INT8 is defaulted.
    const bf16 = operatorTime(gemmOperator({ m: 4096, n: 4096, k: 4096 }), h800, h800Profile);
    expect(bf16.defaultedParameters).not.toContain("gemm.computeEfficiency.bf16");
    const int8 = operatorTime(gemmOperator({ m: 4096, n: 4096, k: 4096, dtype: "int8" }), h800, h800Profile);
    expect(int8.defaulted).toBe(true);
    expect(int8.defaultedParameters).toContain("gemm.computeEfficiency.int8");
    const b200 = operatorTime(
      gemmOperator({ m: 4096, n: 4096, k: 4096, dtype: "fp4" }),
      computeDevice(fixtureB200),
      efficiencyProfile("b200"),
    );
    // B200 has its own FP4 GEMM efficiency (data/efficiency/b200.yaml); only the launch overhead
    // still comes from the default profile, and it is flagged.
    expect(b200.defaultedParameters).toEqual(["gemm.launchOverheadUs"]);
    expect(b200.defaulted).toBe(true);
  });

  it("is monotone: more FLOPs or bytes never take less time", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ...([
            "gemm",
            "grouped-gemm",
            "attention-decode",
            "attention-prefill",
            "vector",
            "embedding",
          ] as const),
        ),
        fc.double({ min: 0, max: 1e15, noNaN: true }),
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        (cls, flops, bytes, factor) => {
          const a = operatorTime(plainOperator(cls, flops, bytes), die, ascend);
          const b = operatorTime(plainOperator(cls, flops * factor, bytes), die, ascend);
          const c = operatorTime(plainOperator(cls, flops, bytes * factor), die, ascend);
          expect(b.timeS).toBeGreaterThanOrEqual(a.timeS);
          expect(c.timeS).toBeGreaterThanOrEqual(a.timeS);
          expect(a.timeS).toBeGreaterThanOrEqual(Math.max(a.computeS, a.memoryS));
        },
      ),
    );
  });

  it("never beats the plain roofline at 100 % efficiency", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20000 }),
        fc.integer({ min: 1, max: 20000 }),
        fc.integer({ min: 1, max: 20000 }),
        fc.integer({ min: 1, max: 16 }),
        (m, n, k, groups) => {
          const op = gemmOperator({ m, n, k, groups, dtype: "int8", cls: "grouped-gemm" });
          const t = operatorTime(op, die, ascend);
          const roofline = Math.max(op.flops / 752e12, ((k * n + m * k + 2 * m * n) * groups) / 1.6e12);
          expect(t.timeS).toBeGreaterThan(roofline);
        },
      ),
    );
  });
});

describe("grouped GEMMs with a per-tile cost (Blackwell MoE experts)", () => {
  const b200 = computeDevice(fixtureB200);
  const profile = efficiencyProfile("b200");
  const cls = profile.classes["grouped-gemm"];
  const stream = (op: ReturnType<typeof gemmOperator>, name: "gemm" | "grouped-gemm") =>
    operatorBytes(op) / (b200.memoryBandwidthBytesPerS.value * profile.classes[name].memoryEfficiency.value);

  it("adds tiles × the per-tile cost ÷ SMs beside the weight stream of a few-token expert GEMM", () => {
    const perTile = cls.tileOverheadS?.value ?? 0;
    expect(perTile).toBeCloseTo(2.778e-6, 12);
    expect(cls.groupOverheadS).toBeUndefined();
    const sixteen = gemmOperator({ m: 1, n: 4096, k: 7168, groups: 16, dtype: "fp8" });
    const eight = gemmOperator({ m: 1, n: 4096, k: 7168, groups: 8, dtype: "fp8" });
    const a = operatorTime(sixteen, b200, profile);
    const b = operatorTime(eight, b200, profile);
    expect(a.bound).toBe("memory");
    expect(b.bound).toBe("memory");
    // 4,096 columns = 32 tiles of 128 per expert, spread over 148 SMs.
    expect(a.memoryS).toBeCloseTo(stream(sixteen, "grouped-gemm") + (16 * 32 * perTile) / 148, 12);
    expect(a.timeS - b.timeS).toBeCloseTo(
      stream(sixteen, "grouped-gemm") - stream(eight, "grouped-gemm") + (8 * 32 * perTile) / 148,
      12,
    );
  });

  it("charges an expert by its tiles: narrow experts and row tiles beyond the first", () => {
    const perTile = cls.tileOverheadS?.value ?? 0;
    const narrow = gemmOperator({ m: 6, n: 1536, k: 2048, groups: 128, dtype: "fp4" });
    expect(groupOverheadTime(narrow, cls)).toBeCloseTo((128 * 12 * perTile) / 148, 15);
    const tall = gemmOperator({ m: 200, n: 1536, k: 2048, groups: 128, dtype: "fp4" });
    expect(groupOverheadTime(tall, cls)).toBeCloseTo((128 * 2 * 12 * perTile) / 148, 15);
  });

  it("leaves dense GEMMs and chips without a per-tile cost unchanged", () => {
    const dense = gemmOperator({ m: 1, n: 4096, k: 7168, dtype: "fp8" });
    expect(operatorTime(dense, b200, profile).memoryS).toBeCloseTo(stream(dense, "gemm"), 12);
    expect(h800Profile.classes["grouped-gemm"].tileOverheadS).toBeUndefined();
    expect(h800Profile.classes["grouped-gemm"].groupOverheadS).toBeUndefined();
  });
});

describe("weight-only grouped GEMMs converting their weights in registers (Hopper W4A16)", () => {
  const op: Operator = {
    ...gemmOperator({ m: 5, n: 5760, k: 2880, groups: 128, dtype: "bf16" }),
    bytesRead: { weights: 1.13e9, activations: 0, kvCache: 0 },
    weightOnlyElements: 128 * 5760 * 2880,
  };
  const base = h800Profile.classes["grouped-gemm"];
  // 2.12 G elements at 3 T/s (708 us) is slower than the HBM stream (379 us): the conversion binds.
  const rate = { ...base.launchOverheadS, value: 3e12 };
  const withRate = {
    ...h800Profile,
    classes: { ...h800Profile.classes, "grouped-gemm": { ...base, dequantElementsPerS: rate } },
  };

  it("streams the weights at the slower of HBM and the conversion rate", () => {
    const plain = operatorTime(op, h800, h800Profile);
    const converted = operatorTime(op, h800, withRate);
    expect(converted.memoryS).toBeCloseTo(Math.max(plain.memoryS, (128 * 5760 * 2880) / 3e12), 12);
    expect(converted.memoryS).toBeGreaterThan(plain.memoryS);
    expect(converted.timeS).toBeGreaterThanOrEqual(plain.timeS);
  });

  it("leaves GEMMs whose weights are as wide as their math unchanged", () => {
    const { weightOnlyElements: _, ...full } = op;
    expect(operatorTime(full, h800, withRate).timeS).toBe(operatorTime(full, h800, h800Profile).timeS);
  });
});

describe("dense FP8 GEMMs walking K in one CTA at a few rows (Hopper, kSerialNsByScheme)", () => {
  const fp8 = (m: number, n: number, k: number, scheme?: Operator["weightScheme"]): Operator => ({
    ...gemmOperator({ m, n, k, dtype: "fp8" }),
    ...(scheme !== undefined && { weightScheme: scheme }),
  });
  const perElement = h800Profile.classes.gemm.kSerialSByScheme?.["block-128x128"]?.value ?? 0;

  it("floors a one-row block-scaled GEMM at K × the scheme's rate (one wave of tiles)", () => {
    const t = operatorTime(fp8(1, 512, 16384, "block-128x128"), h800, h800Profile);
    expect(perElement).toBeGreaterThan(0);
    expect(t.timeS).toBeCloseTo(16384 * perElement + t.overheadS, 12);
    expect(t.timeS).toBeGreaterThan(operatorTime(fp8(1, 512, 16384), h800, h800Profile).timeS);
  });

  it("leaves GEMMs without a scheme, and many-row GEMMs whose tiles compute longer, unchanged", () => {
    const big = fp8(8192, 7168, 4096);
    expect(operatorTime({ ...big, weightScheme: "block-128x128" }, h800, h800Profile).timeS).toBe(
      operatorTime(big, h800, h800Profile).timeS,
    );
  });

  it("is lower for per-tensor scales than for 128 x 128 blocks", () => {
    const block = operatorTime(fp8(4, 1024, 7168, "block-128x128"), h800, h800Profile).timeS;
    const tensor = operatorTime(fp8(4, 1024, 7168, "per-tensor"), h800, h800Profile).timeS;
    expect(tensor).toBeLessThan(block);
  });
});

describe("sparse decode attention (DeepSeek Sparse Attention's gathered top-k keys)", () => {
  // 128 query heads of 2 tokens for 128 sequences, each attending 2,048 gathered keys (absorbed MLA).
  const core = (sparse: boolean): Operator => ({
    name: "attn.core",
    class: "attention-decode",
    dtype: "bf16",
    flops: 2 * 128 * 2 * 128 * 2048 * (576 + 512),
    bytesRead: { weights: 0, activations: 0, kvCache: 128 * 2 * 2048 * 656 },
    bytesWritten: { activations: 0, kvCache: 0 },
    attention: {
      queries: 256,
      heads: 128,
      qkHeadDim: 576,
      vHeadDim: 512,
      meanKeysPerQuery: 2048,
      causal: false,
      queryTokensPerSequence: 2,
      sparse,
    },
    kernels: 1,
  });

  it("runs at the sparse kernel's ceiling where the chip's profile has one (FlashMLA on H800: 410 of 989 TFLOPS)", () => {
    const sparse = operatorTime(core(true), h800, h800Profile);
    const dense = operatorTime(core(false), h800, h800Profile);
    expect(sparse.bound).toBe("compute");
    expect(sparse.computeEfficiency).toBeCloseTo(0.4144, 4);
    // the dense kernel: its ceiling amortised over 2,048 keys per sequence (two query tokens)
    expect(dense.computeEfficiency).toBeCloseTo(0.6673 * (2048 / (2048 + 849 / 2)), 3);
    expect(sparse.timeS).toBeGreaterThan(dense.timeS);
  });

  it("keeps the dense ceiling on chips without a sparse one", () => {
    const profile = efficiencyProfile("ascend-910c");
    expect(profile.classes["attention-decode"].sparseDecodeCeiling).toBeUndefined();
    expect(operatorTime(core(true), die, profile).timeS).toBe(operatorTime(core(false), die, profile).timeS);
  });

  it("separates Blackwell's dense kernel (trtllm-gen, 0.595 with its per-sequence cost) from FlashMLA's sparse one (0.455)", () => {
    const b200 = computeDevice(fixtureB200);
    const profile = efficiencyProfile("b200");
    expect(operatorTime(core(true), b200, profile).computeEfficiency).toBeCloseTo(0.4551, 4);
    expect(operatorTime(core(false), b200, profile).computeEfficiency).toBeCloseTo(
      0.595 * (2048 / (2048 + 594 / 2)),
      4,
    );
  });
});

describe("overlappedRoof", () => {
  it("is the max without an exponent and the p-norm with one", () => {
    expect(overlappedRoof(3, 1, undefined)).toBe(3);
    expect(overlappedRoof(1, 1, 2)).toBeCloseTo(Math.SQRT2, 12);
    expect(overlappedRoof(0, 2, 2)).toBe(2);
    // one term dominating: the p-norm approaches the max
    expect(overlappedRoof(1, 100, 2.15) / 100).toBeLessThan(1.0001);
  });
});
