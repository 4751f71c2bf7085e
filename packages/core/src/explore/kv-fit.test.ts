// biome-ignore lint/correctness/noNodejsModules: this test reads the example scenario file on disk
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenarioSource } from "../deploy/scenario.ts";
import { instancePerformance, memoryPerChip } from "../perf/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { readSourceDocument } from "../spec/parse-document.ts";
import { assertKvFits, kvFit } from "./kv-fit.ts";
import { pruneReason } from "./prune-reason.ts";

const FILE = "examples/search-deepseek-r1-cloudmatrix384.yaml";
const doc = readSourceDocument(readFileSync(new URL(`../../../../${FILE}`, import.meta.url), "utf8"), FILE);
const shape = { inputTokens: 3072, outputTokens: 2048 };
const decode = (chips: number, attentionTp: number, batch: number) =>
  parseScenarioSource(doc, undefined, {
    overrides: [
      { path: ["deployment", "decode", "chipsPerInstance"], value: chips },
      { path: ["deployment", "decode", "attention", "tp"], value: attentionTp },
      { path: ["deployment", "decode", "denseFfn", "tp"], value: attentionTp },
      { path: ["deployment", "decode", "moe", "ep"], value: 2 * chips },
      { path: ["deployment", "decode", "batchPerChip"], value: batch },
    ],
  });

describe("the decode batch's KV cache at full length", () => {
  it("is checked against the simulator's own KV capacity", () => {
    const scenario = decode(32, 2, 64);
    const plan = scenario.deployment.decode;
    if (plan === undefined) throw new Error("no decode group");
    const fit = kvFit(scenario, plan, memoryPerChip(scenario, plan), shape);
    const simulator = instancePerformance(scenario, "decode").kvCacheCapacityTokens;
    expect(fit.capacityTokens).toBe(Math.floor(simulator * (scenario.serving?.kvCache.usableFraction ?? 1)));
    // 64 sequences per chip × 32 chips, each at 3,072 + 2,048 tokens, half a 128-token block and MTP's 2
    expect(fit.neededTokens).toBe(64 * 32 * (3072 + 2048 + 64 + 2));
  });

  it("refuses a batch that fits in HBM at the mean KV length but overflows at full length", () => {
    // 32 chips, attention TP2, 128 per chip: the step model's memory check passes (122 of 128 GB)
    // while the simulator's cache holds 75 % of the batch even at the mean length.
    const scenario = decode(32, 2, 128);
    const plan = scenario.deployment.decode;
    if (plan === undefined) throw new Error("no decode group");
    const memory = memoryPerChip(scenario, plan);
    expect(memory.totalBytes).toBeLessThan(128e9);
    let error: unknown;
    try {
      assertKvFits(scenario, plan, memory, shape);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SupernodeError);
    expect(pruneReason(error, "estimate")).toEqual({
      reason: "KV cache overflows at full length",
      layoutWide: false,
    });
  });
});
