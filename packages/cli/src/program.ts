/**
 * The `supernode` program: commander set up to write through a `CliIo` and to throw instead of
 * exiting, plus `runCommandLine`, which turns any outcome into an exit status. Shared by the real
 * CLI (main.ts, which loads only the command it needs) and the in-process test runner.
 */
import { Command, CommanderError } from "commander";
import type { CliIo } from "./cli-io.ts";
import { reportFailure } from "./fail.ts";

export const VERSION = "0.1.0";

/** What each `commands/<name>.ts` exports. */
export interface CommandModule {
  register(program: Command, io: CliIo): void;
}

/** A program with the given commands, writing to `io`; commander errors throw (no process.exit). */
export function buildProgram(io: CliIo, modules: readonly CommandModule[]): Command {
  const program = new Command();
  program
    .name("supernode")
    .description(
      "Simulator and capacity planner for AI supernodes: CloudMatrix384, GB200 NVL72, HGX servers and clusters.",
    )
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(text),
    });
  for (const module of modules) module.register(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** The exit status for a failure: commander's own (usage, --help, --version), else reportFailure's. */
export function exitStatusOf(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) return error.exitCode;
  return reportFailure(error, io);
}

/**
 * Runs `args` (without `node` and the script) to completion, awaiting an asynchronous command.
 * @returns the exit status
 */
export async function runCommandLine(program: Command, io: CliIo, args: readonly string[]): Promise<number> {
  try {
    await program.parseAsync([...args], { from: "user" });
  } catch (error) {
    return exitStatusOf(error, io);
  }
  return io.exitCode;
}
