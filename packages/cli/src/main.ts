/**
 * The `supernode` command. Each subcommand lives in `commands/<name>.ts`, exports
 * `register(program, io)` and is loaded only when named (commands/index.ts). Errors from input
 * (SupernodeError) print as one paragraph with exit code 1; anything else is a bug and prints its
 * stack with exit code 2.
 */
import { processIo } from "./cli-io.ts";
import { commandsFor } from "./commands/index.ts";
import { buildProgram, runCommandLine } from "./program.ts";

const args = process.argv.slice(2);
const io = processIo();
const modules = await Promise.all(commandsFor(args).map((c) => c.load()));
process.exitCode = await runCommandLine(buildProgram(io, modules), io, args);
