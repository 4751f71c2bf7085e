// biome-ignore lint/correctness/noNodejsModules: this test reads the example scenario file on disk
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readSourceDocument } from "../spec/parse-document.ts";
import { parseOverride, type ScenarioOverride } from "../spec/scenario-overrides.ts";
import { parseScenarioSource } from "./scenario.ts";
import { parseScenarioVariant, scenarioSource } from "./scenario-variant.ts";

const FILE = "examples/search-deepseek-r1-cloudmatrix384.yaml";
const doc = readSourceDocument(readFileSync(new URL(`../../../../${FILE}`, import.meta.url), "utf8"), FILE);
const source = scenarioSource(doc);

/** Both ways of resolving the overrides: the scenario, or the error's kind and message. */
function both(overrides: readonly ScenarioOverride[]) {
  const outcome = (f: () => unknown) => {
    try {
      return { scenario: f() };
    } catch (error) {
      return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  };
  return {
    variant: outcome(() => parseScenarioVariant(source, undefined, { overrides })),
    full: outcome(() => parseScenarioSource(doc, undefined, { overrides })),
  };
}

const sets = (...texts: string[]) => texts.map(parseOverride);

describe("parseScenarioVariant", () => {
  it("gives the scenario parseScenarioSource gives, for deployment overrides", () => {
    const cases: ScenarioOverride[][] = [
      [],
      sets("deployment.decode.batchPerChip=64", "deployment.decode.attention.tp=2"),
      [
        ...sets(
          "deployment.decode.chipsPerInstance=128",
          "deployment.decode.moe.ep=256",
          "deployment.decode.moe.redundantExperts=0",
        ),
        { path: ["deployment", "decode", "moe", "sharedExpertReplicas"], value: null },
        { path: ["deployment", "decode", "mtp"], value: null },
        { path: ["deployment", "prefill"], value: null },
      ],
      sets("deployment.decode.microbatchOverlap=false", "deployment.decode.denseFfn.tp=4"),
    ];
    for (const overrides of cases) {
      const { variant, full } = both(overrides);
      expect(variant.error).toBeUndefined();
      // every field, in the same order (functions of the engine profile aside: one closure per parse)
      expect(JSON.stringify(variant.scenario)).toBe(JSON.stringify(full.scenario));
    }
  });

  it("fails with parseScenarioSource's error when a variant does not validate or divide", () => {
    for (const overrides of [
      sets("deployment.decode.batchPerChip=-1"),
      sets("deployment.decode.attention.tp=3"),
      sets("deployment.decode.unknownField=1"),
      sets("deployment.decode.batchPerChip.x=1"),
    ]) {
      const { variant, full } = both(overrides);
      expect(full.error).toBeDefined();
      expect(variant.error).toBe(full.error);
    }
  });

  it("resolves overrides outside the deployment as parseScenarioSource does", () => {
    const { variant, full } = both(sets("precision.kvCache=int8", "deployment.decode.batchPerChip=32"));
    expect(JSON.stringify(variant.scenario)).toBe(JSON.stringify(full.scenario));
    expect((variant.scenario as { precision: { kvCache: string } }).precision.kvCache).toBe("int8");
  });
});
