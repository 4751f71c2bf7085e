import { describe, expect, it } from "vitest";
import { readSourceDocument, SupernodeError } from "../spec/index.ts";
import { engineErrorInScenario } from "./scenario-engine.ts";

const doc = readSourceDocument("name: s\nengine:\n  name: vllm\n  hcclExpansion: aiv\n", "s.yaml");

describe("errors from a scenario's engine", () => {
  it("a bad value in the engine's data file names that file, line and field, not the scenario", () => {
    const bad = new SupernodeError("schema", "Too small: expected number to be >=0", {
      file: "engines/vllm.yaml",
      line: 284,
      column: 16,
      fieldPath: ["releases", 0, "hostTime", "perLayerDeviceUs", "value"],
    });
    const message = (engineErrorInScenario(bad, doc) as Error).message;
    expect(message).toMatch(
      /^engines\/vllm\.yaml:284:16, field releases\[0\]\.hostTime\.perLayerDeviceUs\.value/,
    );
    expect(message).not.toContain("s.yaml");
  });

  it("a refused scenario field is placed at that field of the scenario", () => {
    const refused = new SupernodeError("unsupported", "records no HCCL expansion mode", {
      fieldPath: ["engine", "hcclExpansion"],
    });
    expect((engineErrorInScenario(refused, doc) as Error).message).toMatch(
      /^s\.yaml:4:\d+, field engine\.hcclExpansion: records no HCCL expansion mode/,
    );
  });
});
