// biome-ignore lint/correctness/noNodejsModules: this test reads the example scenario file on disk
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenarioSource } from "../deploy/scenario.ts";
import { estimate } from "../perf/index.ts";
import { promptKvTransfer } from "../serving/index.ts";
import { applyOverrides } from "../spec/index.ts";
import { readSourceDocument } from "../spec/parse-document.ts";
import { feedLimited, prefillFeed, workloadShape } from "./prefill-feed.ts";
import type { SearchPoint } from "./search-types.ts";

const FILE = "examples/search-deepseek-r1-cloudmatrix384.yaml";
const doc = readSourceDocument(readFileSync(new URL(`../../../../${FILE}`, import.meta.url), "utf8"), FILE);
const base = parseScenarioSource(doc);
const withWorkload = (workload: unknown) =>
  parseScenarioSource({ ...doc, data: applyOverrides(doc.data, [{ path: ["workload"], value: workload }]) });

describe("the prefill pool a decode search keeps", () => {
  it("reads the request shape from the workload's mean lengths", () => {
    expect(workloadShape(base)).toEqual({ inputTokens: 3072, outputTokens: 2048 });
    const shaped = withWorkload({
      arrival: { kind: "poisson", ratePerS: 1 },
      promptTokens: { kind: "uniform", minTokens: 1000, maxTokens: 3000 },
      outputTokens: {
        kind: "histogram",
        bins: [
          { tokens: 100, weight: 3 },
          { tokens: 500, weight: 1 },
        ],
      },
    });
    expect(workloadShape(shaped)).toEqual({ inputTokens: 2000, outputTokens: 200 });
    expect(workloadShape(withWorkload(null))).toBeUndefined();
  });

  it("feeds prefill chips × prompt tokens/s per chip × output ÷ input, at the shape's prompt length", () => {
    const shape = { inputTokens: 1024, outputTokens: 512 };
    const feed = prefillFeed(doc, base, shape, {});
    const alone = parseScenarioSource(doc, undefined, {
      overrides: [
        { path: ["deployment", "prefill", "promptLength"], value: 1024 },
        { path: ["deployment", "decode"], value: null },
      ],
    });
    const p = estimate(alone).prefill;
    expect(feed?.prefillChips).toBe(96);
    expect(feed?.prefillTokensPerSPerChip).toBe(p?.tokensPerSPerChip);
    expect(feed?.outputTokensPerS).toBeCloseTo((96 * (p?.tokensPerSPerChip ?? 0) * 512) / 1024, 6);
    const kv = promptKvTransfer(base, 1024).transferS;
    expect(feed?.kvTransferS).toBe(kv);
    expect(feed?.ttftS).toBeCloseTo((p?.ttftS ?? 0) + kv, 12);
  });

  it("limits a decode point to the feed per decode chip, and leaves a point below it alone", () => {
    const feed = prefillFeed(doc, base, { inputTokens: 3072, outputTokens: 2048 }, {});
    if (feed === undefined) throw new Error("no feed");
    const point = { tokensPerSPerChip: 3000, tokensPerKw: 2000, tokensPerDollar: 9e6 } as SearchPoint;
    const chips = feed.outputTokensPerS / 1500; // the feed allows 1,500 per chip
    const limited = feedLimited(point, feed, chips);
    expect(limited.tokensPerSPerChip).toBeCloseTo(1500, 9);
    expect(limited.tokensPerKw).toBeCloseTo(1000, 9);
    expect(limited.tokensPerDollar).toBeCloseTo(4.5e6, 3);
    expect(limited.prefillLimited).toEqual({ decodeTokensPerSPerChip: 3000 });
    expect(feedLimited(point, feed, chips / 2)).toBe(point);
  });
});
