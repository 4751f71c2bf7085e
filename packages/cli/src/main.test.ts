/**
 * End-to-end checks of the `supernode` binary itself (a child process each): version, exit
 * statuses, output on real streams. Everything else is tested in process with runCli.
 */
import { describe, expect, it } from "vitest";
import { runCli, runCliProcess } from "./test-support/run-cli.ts";

describe("the supernode binary", () => {
  it("prints its version and estimates a shipped example like the in-process runner", () => {
    expect(runCliProcess(["--version"])).toEqual({ status: 0, stdout: "0.1.0\n", stderr: "" });
    const args = ["estimate", "examples/cloudmatrix384-deepseek-r1-decode.yaml", "--json"];
    const spawned = runCliProcess(args);
    expect(spawned.stderr).toBe("");
    expect(spawned.status).toBe(0);
    expect(spawned.stdout).toBe(runCli(args).stdout);
  });

  it("exits 1 with one paragraph for bad input and for an unknown command", () => {
    const missing = runCliProcess(["estimate", "no-such-file.yaml"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe("supernode: no-such-file.yaml: cannot read scenario file (ENOENT)\n");
    const unknown = runCliProcess(["estimat"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("(Did you mean estimate?)");
  });
});

describe("runCli (in process)", () => {
  it("returns commander's statuses without exiting the test process", () => {
    expect(runCli(["--version"])).toEqual({ status: 0, stdout: "0.1.0\n", stderr: "" });
    const help = runCli(["estimate", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: supernode estimate");
    expect(runCli(["estimate"]).stderr).toContain("missing required argument 'scenario'");
    expect(runCli(["estimate"]).status).toBe(1);
  });

  it("reads relative paths from cwd", () => {
    const r = runCli(["estimate", "cloudmatrix384-deepseek-r1-decode.yaml", "--json"], {
      cwd: new URL("../../../examples/", import.meta.url).pathname,
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).decode.tpotS).toBeGreaterThan(0);
  });
});
