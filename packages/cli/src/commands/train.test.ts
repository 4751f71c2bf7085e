import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const example = (name: string) => join(root, "examples", `${name}.yaml`);

describe("supernode train", () => {
  it("prints the step breakdown, MFU, memory, time to train, goodput and blast radius", () => {
    const { status, stdout, stderr } = runCli(["train", example("training-llama3-70b-h100")]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    for (const text of [
      "pipeline bubble",
      "TP / SP communication",
      "MFU",
      "optimizer states",
      "goodput",
      "blast radius",
      "chip-hours",
      "1575 MHz of the 1830 MHz the listed peaks assume",
    ])
      expect(stdout).toContain(text);
  });

  it("names the pacing stage, or under DualPipe the pacing rank and its two stages r and p − 1 − r", () => {
    const plain = runCli(["train", example("training-llama3-70b-h100")]);
    expect(plain.stdout).toMatch(/\(slowest stage \d+\)/);
    const dual = runCli(["train", example("training-deepseek-v3-atlas-a3-mindspeed")]);
    expect(dual.status).toBe(0);
    const m = /\(slowest rank (\d+): stages (\d+) and (\d+)\)/.exec(dual.stdout);
    expect(m).not.toBeNull();
    const [rank, first, second] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3])];
    expect(first).toBe(rank);
    expect(first + second).toBe(7); // pp 8 in the MindSpeed recipe
  });

  it("--json gives SI figures whose breakdown adds up, and says when memory does not fit", () => {
    const { status, stdout } = runCli(["train", example("training-deepseek-v3-h800"), "--json"]);
    expect(status).toBe(0);
    const r = JSON.parse(stdout);
    const b = r.breakdown;
    const parts = [b.forwardS, b.backwardS, b.recomputeS, b.bubbleS, b.optimizerS];
    for (const k of ["tp", "cp", "ep", "dp", "pp"]) parts.push(b[k].exposedS);
    expect(parts.reduce((x: number, y: number) => x + y, 0)).toBeCloseTo(r.stepS, 6);
    expect(r.memory.fits).toBe(false);
    expect(r.memory.overBytes).toBeGreaterThan(0);
    expect(r.goodputCurve.length).toBeGreaterThan(10);
    expect(r.sustainedClock.fraction).toBeCloseTo(1575 / 1830, 3);
  });

  it("a layout that does not divide is one located error, not a stack trace", () => {
    const { status, stderr } = runCli([
      "train",
      example("training-llama3-70b-h100"),
      "--set",
      "parallelism.cp=3",
    ]);
    expect(status).not.toBe(0);
    expect(stderr).toContain("training-llama3-70b-h100.yaml:");
    expect(stderr).toContain("does not divide");
    expect(stderr).not.toContain("    at ");
  });
});
