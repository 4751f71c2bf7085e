import { describe, expect, it } from "vitest";
import { embeddedDataFiles } from "../catalog/index.ts";
import { fusedMoeConfigPath, readFusedMoeConfigFile } from "./fused-moe-config-file.ts";
import {
  type FusedMoeCall,
  fusedMoeRowTile,
  fusedMoeRowTiles,
  fusedMoeStreamEfficiency,
} from "./fused-moe-row-tile.ts";

/** vLLM's Triton fused-MoE row tile: the shipped tuned config for the call's shape, else the release's default rule. */
describe("vLLM fused-MoE row tile", () => {
  const PATH = fusedMoeConfigPath("vllm");
  const file = embeddedDataFiles[PATH] ?? "";
  const tile = (chip: string, version: string | undefined, call: FusedMoeCall) =>
    fusedMoeRowTile(fusedMoeRowTiles("vllm", chip, version), call);
  // MiniMax-M2.5 at EP8: 32 local experts, N 1,536, FP8 block-128 — no tuned file ships for it.
  const mm25 = { localExperts: 32, intermediate: 1536, dtype: "fp8", scheme: "block-128x128" } as const;

  it("runs the default rule where no tuned file ships: 64-row tiles before PR 34846, 16 up to 64 tokens after", () => {
    expect(tile("h200-sxm", "0.14.0", { ...mm25, tokens: 4 })).toBe(64);
    expect(tile("h200-sxm", "0.18.0", { ...mm25, tokens: 4 })).toBe(16);
    expect(tile("h200-sxm", "0.18.0", { ...mm25, tokens: 64 })).toBe(16);
    expect(tile("h100-sxm", "0.19.1", { ...mm25, tokens: 128 })).toBe(64);
    // No release named: the newest, the rule without until.
    expect(tile("h100-sxm", undefined, { ...mm25, tokens: 32 })).toBe(16);
  });

  it("16-bit experts: 16 while M <= E before PR 34846; batch-size steps 16 / 32 / 64 / 128 after", () => {
    const bf16 = { localExperts: 16, intermediate: 1536, dtype: "bf16" } as const;
    expect(tile("h100-sxm", "0.11.1", { ...bf16, tokens: 16 })).toBe(16);
    expect(tile("h100-sxm", "0.11.1", { ...bf16, tokens: 17 })).toBe(64);
    expect(tile("h100-sxm", "0.18.0", { ...bf16, tokens: 32 })).toBe(16);
    expect(tile("h100-sxm", "0.18.0", { ...bf16, tokens: 96 })).toBe(32);
    expect(tile("h100-sxm", "0.18.0", { ...bf16, tokens: 97 })).toBe(64);
    expect(tile("h100-sxm", "0.18.0", { ...bf16, tokens: 600 })).toBe(128);
  });

  it("takes a shipped tuned file's entry nearest the call's tokens, the smaller key on a tie", () => {
    const r1 = { localExperts: 256, intermediate: 256, dtype: "fp8", scheme: "block-128x128" } as const;
    expect(tile("h200-sxm", "0.11.0", { ...r1, tokens: 128 })).toBe(16);
    expect(tile("h200-sxm", "0.11.0", { ...r1, tokens: 700 })).toBe(16); // nearest 512
    expect(tile("h200-sxm", "0.11.0", { ...r1, tokens: 768 })).toBe(16); // tie 512 / 1,024
    expect(tile("h200-sxm", "0.11.0", { ...r1, tokens: 800 })).toBe(64); // nearest 1,024
    expect(tile("h200-sxm", "0.11.0", { ...r1, tokens: 16384 })).toBe(64); // nearest 4,096
    // The same shape on H100: no such file for that device, so the default rule.
    expect(tile("h100-sxm", "0.11.0", { ...r1, tokens: 128 })).toBe(64);
  });

  it("a tuned file counts only in the releases that ship it", () => {
    const ep2 = { localExperts: 64, intermediate: 768, dtype: "bf16", tokens: 128 } as const;
    expect(tile("h100-sxm", "0.11.1", ep2)).toBe(64); // default: 128 tokens > 64 experts
    expect(tile("h100-sxm", "0.12.0", ep2)).toBe(32); // the tuned file's 128 key
  });

  it("a chip the file names no device for gets the default rule; formats the lookup does not describe get none", () => {
    const r1 = {
      localExperts: 256,
      intermediate: 256,
      dtype: "fp8",
      scheme: "block-128x128",
      tokens: 128,
    } as const;
    expect(fusedMoeRowTiles("vllm", "h20", "0.11.0").device).toBeUndefined();
    expect(tile("h20", "0.11.0", r1)).toBe(64);
    expect(tile("h200-sxm", "0.11.0", { ...r1, dtype: "bf16", scheme: "int4-g32" })).toBeUndefined();
    expect(tile("h200-sxm", "0.11.0", { ...r1, dtype: "fp4", scheme: "nvfp4-g16" })).toBeUndefined();
  });

  it("refuses a release no default rule covers, naming the file", () => {
    expect(() => fusedMoeRowTiles("vllm", "h200-sxm", "0.8.5")).toThrow(
      /kernel-configs\/vllm-fused-moe\.yaml has no default-config rule for release 0\.8\.5/,
    );
  });

  it("refuses a bad file with the file and field named", () => {
    const read = (text: string) => readFusedMoeConfigFile(PATH, { [PATH]: text });
    expect(read(file).tuned.length).toBeGreaterThan(0);
    expect(() =>
      read(file.replace("      - { blockM: 128 }", "      - { upToTokens: 4096, blockM: 128 }")),
    ).toThrow(/vllm-fused-moe\.yaml.*the last step of defaults\[1\]\.other must have no bound/);
    expect(() => read(file.replace('releases: { from: "0.17.0" }', 'releases: { from: "0.16.0" }'))).toThrow(
      /defaults\[1\] and defaults\[0\] cover the same releases/,
    );
    const listedTwice = `${file}  - { device: NVIDIA_H200, experts: 256, intermediate: 256, dtype: fp8_w8a8, blockShape: [128, 128], note: "x" }\n`;
    expect(() => read(listedTwice)).toThrow(
      /absent\[\d+\] \(E=256,N=256,device_name=NVIDIA_H200,dtype=fp8_w8a8,block_shape=\[128,128\]\) is also listed under tuned/,
    );
    expect(() => read(file.replace("source: vllm-configs\n", "source: no-such-source\n"))).toThrow(
      /unknown source "no-such-source"/,
    );
    expect(() => read(file.replace("blockM: 64 }\n    other", "blockM: -64 }\n    other"))).toThrow(
      /vllm-fused-moe\.yaml/,
    );
    // A step's own 16-bit weight stream: its source must be a key of the sources block, its value a fraction.
    expect(() => read(file.replace("source: aic-vllm-h100-moe-0140\n", "source: no-such-source\n"))).toThrow(
      /vllm-fused-moe\.yaml:\d+:\d+, field defaults\[0\]\.other\[1\]\.memoryEfficiency16Bit\.source: unknown source "no-such-source"/,
    );
    expect(() => read(file.replace("value: 0.6916", "value: 1.5"))).toThrow(
      /field defaults\[0\]\.other\[1\]\.memoryEfficiency16Bit\.value: an efficiency is a fraction of peak in \(0, 1\]/,
    );
  });
});

/** The untuned 16-bit config's weight stream: only where the default rule's 64-row step runs. */
describe("vLLM fused-MoE config stream efficiency", () => {
  const stream = (chip: string, version: string, call: FusedMoeCall) =>
    fusedMoeStreamEfficiency(fusedMoeRowTiles("vllm", chip, version), call);
  const step = readFusedMoeConfigFile(fusedMoeConfigPath("vllm"), embeddedDataFiles).defaults[0]?.other[1];
  // Qwen3-235B-A22B at EP8 on H100: 16 local experts, N 1,536; no tuned file ships for the BF16 shape.
  const q3 = { localExperts: 16, intermediate: 1536 } as const;

  it("gives the 64-row default step's stream for 16-bit weights once M > E, before PR 34846", () => {
    const measured = step?.memoryEfficiency16Bit?.value;
    expect(measured).toBeGreaterThan(0);
    expect(measured).toBeLessThan(1);
    expect(stream("h100-sxm", "0.11.1", { ...q3, dtype: "bf16", tokens: 17 })).toBe(measured);
    expect(stream("h200-sxm", "0.14.0", { ...q3, dtype: "fp16", tokens: 128 })).toBe(measured);
  });

  it("leaves the class's stream for the 16-row step, FP8, a shipped tuned file and the 0.17+ rule", () => {
    expect(stream("h100-sxm", "0.11.1", { ...q3, dtype: "bf16", tokens: 16 })).toBeUndefined();
    expect(
      stream("h100-sxm", "0.11.1", { ...q3, dtype: "fp8", scheme: "block-128x128", tokens: 64 }),
    ).toBeUndefined();
    // E=128, N=192 BF16 ships a tuned H100 file (Qwen3-235B at TP8).
    expect(
      stream("h100-sxm", "0.11.1", { localExperts: 128, intermediate: 192, dtype: "bf16", tokens: 512 }),
    ).toBeUndefined();
    expect(stream("h100-sxm", "0.18.0", { ...q3, dtype: "bf16", tokens: 128 })).toBeUndefined();
  });
});
