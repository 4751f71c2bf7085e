import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

describe("supernode estimate --json: energy and cost", () => {
  it("includes watts, joules per output token and $ per million output tokens with the assumptions each used", () => {
    const file = join(root, "examples", "cloudmatrix384-deepseek-r1-decode.yaml");
    const { status, stdout, stderr } = runCli([
      "estimate",
      file,
      "--json",
      "--set",
      "cost.electricityUsdPerKWh=0.1",
    ]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const energy = JSON.parse(stdout).energy;
    const d = energy.decode;
    for (const key of ["wattsPerChip", "watts", "joulesPerOutputToken", "usdPerMillionOutputTokens"]) {
      expect(d[key].value, key).toBeGreaterThan(0);
      expect(d[key].uses.length, key).toBeGreaterThan(0);
      for (const id of d[key].uses) expect(energy.assumptions[id], `${key} uses ${id}`).toBeDefined();
    }
    expect(energy.assumptions["cost.electricityUsdPerKWh"]).toMatchObject({ value: 0.1, tag: "scenario" });
    expect(energy.assumptions["accelerator.tdpW"].sources.length).toBeGreaterThan(0);
  });
});
