/**
 * Runs `supernode` for tests. `runCli` runs the command IN PROCESS — the same commander program
 * and command functions as the real CLI, with stdout/stderr captured and the exit status
 * returned — so a test pays no process start-up. `runCliProcess` spawns the built CLI
 * (`packages/cli/bin/supernode.js`) the way a user does; keep those few (end-to-end checks of the
 * binary itself: exit codes, real streams, signals).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { inject } from "vitest";
import { setBuildAssets } from "../build-assets.ts";
import { captureIo } from "../cli-io.ts";
import { COMMANDS } from "../commands/index.ts";
import { buildProgram, exitStatusOf } from "../program.ts";
import "./provided-context.ts";

const bin = fileURLToPath(new URL("../../bin/supernode.js", import.meta.url));

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Working directory for relative paths (the test process changes into it for the run). */
  readonly cwd?: string;
  /** Standard input. */
  readonly input?: string;
  /**
   * Where `estimate` finds the nearest reference cases' predictions: "built" (the default) reads
   * the build's reference table as the binary does, when the run's global set-up brought the build
   * up to date with the sources (not in watch mode; build-assets.test.ts checks that table against
   * the sources); "live" computes the cases in the call, as a run from the sources without a build.
   */
  readonly references?: "built" | "live";
}

const modules = await Promise.all(COMMANDS.map((c) => c.load()));

/**
 * Runs the command line in process and returns its exit status and output. Commands run
 * synchronously; a command whose action is asynchronous (`ui` serving) needs `runCliProcess`.
 * @example const { status, stdout } = runCli(["compare", "--json"]);
 */
export function runCli(args: readonly string[], options: CliOptions = {}): CliResult {
  const io = captureIo(options.input);
  const program = buildProgram(io, modules);
  let pending = false;
  program.hook("preAction", () => {
    pending = true;
  });
  program.hook("postAction", () => {
    pending = false;
  });
  const previousDir = process.cwd();
  const built = options.references === "live" ? undefined : inject("cliBuildDir");
  setBuildAssets(built === undefined ? undefined : new URL(built));
  let status: number;
  try {
    if (options.cwd !== undefined) process.chdir(options.cwd);
    program.parse([...args], { from: "user" });
    if (pending)
      throw new CommanderError(
        2,
        "runCli.async",
        `runCli: "${args.join(" ")}" did not finish synchronously; use runCliProcess\n`,
      );
    status = io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError && error.code === "runCli.async") io.stderr.write(error.message);
    status = exitStatusOf(error, io);
  } finally {
    process.chdir(previousDir);
  }
  return { status, stdout: io.stdoutText(), stderr: io.stderrText() };
}

/**
 * Spawns the built CLI in a child process (≈ 0.1–0.4 s each): for the few end-to-end tests.
 * @example const { status, stdout } = runCliProcess(["--version"]);
 */
export function runCliProcess(args: readonly string[], options: CliOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd,
    input: options.input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeout: 120_000,
    // `validate --json` prints ≈ 2 MB (spawnSync's default limit is 1 MB).
    maxBuffer: 1 << 26,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
