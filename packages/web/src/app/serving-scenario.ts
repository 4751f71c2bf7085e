/**
 * The Simulate view's default scenario, composed from two shipped reference scenarios so it
 * stays in step with them: the CloudMatrix384 DeepSeek-R1 decode deployment (1 × 160 NPUs) and
 * its prefill deployment (6 × 16 NPUs), disaggregated, plus a `workload` and `serving` section.
 * The workload (Poisson arrivals of 4K-token prompts and 256-token outputs) and the SLO limits
 * are a user's choice, not measurements; they are written into the document for anyone to change.
 */
import { isMap, parseDocument } from "yaml";
import { EXAMPLE_SCENARIOS } from "./examples.ts";

export const SERVING_SCENARIO_NAME = "cloudmatrix384-deepseek-r1-serving.yaml";

const WORKLOAD = {
  arrival: { kind: "poisson", ratePerS: 100 },
  promptTokens: { kind: "fixed", tokens: 4096 },
  outputTokens: { kind: "fixed", tokens: 256 },
  seed: 1,
};

const SERVING = {
  router: "least-outstanding",
  kvTransfer: { plane: "ub" },
  slo: { ttftS: 5, tpotS: 0.05 },
};

/** The composed document, or undefined when the reference scenarios are not in this build. */
export function servingScenarioText(): string | undefined {
  const decode = EXAMPLE_SCENARIOS.find((x) => x.name === "cloudmatrix384-deepseek-r1-decode.yaml");
  const prefill = EXAMPLE_SCENARIOS.find((x) => x.name === "cloudmatrix384-deepseek-r1-prefill.yaml");
  if (decode === undefined || prefill === undefined) return undefined;
  const doc = parseDocument(decode.text);
  const prefillGroup = parseDocument(prefill.text).getIn(["deployment", "prefill"], true);
  if (doc.errors.length > 0 || !isMap(prefillGroup)) return undefined;
  doc.commentBefore =
    " DeepSeek-R1 served on CloudMatrix384, disaggregated: the prefill deployment of\n" +
    " cloudmatrix384-deepseek-r1-prefill.yaml and the decode deployment of\n" +
    " cloudmatrix384-deepseek-r1-decode.yaml. The workload and SLO limits below are an example\n" +
    " choice (not measurements): change them freely.";
  doc.set("name", "DeepSeek-R1 serving on CloudMatrix384 (6 × 16-NPU prefill, 1 × 160-NPU decode)");
  doc.delete("description");
  doc.setIn(["deployment", "prefill"], prefillGroup);
  doc.set("workload", doc.createNode(WORKLOAD, { flow: false }));
  doc.set("serving", doc.createNode(SERVING));
  return doc.toString({ lineWidth: 0 });
}
