/**
 * The `supernode` command. Each subcommand lives in `commands/<name>.ts`, exports
 * `register(program, io)` and is loaded only when named (commands/index.ts). Errors from input
 * (SupernodeError) print as one paragraph with exit code 1; anything else is a bug and prints its
 * stack with exit code 2.
 */
import { setBuildAssets } from "./build-assets.ts";
import { processIo } from "./cli-io.ts";
import { commandsFor } from "./commands/index.ts";
import { buildProgram, runCommandLine } from "./program.ts";

// A reader that stops early (`supernode simulate … --json | head`) ends the run quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

// Built, this file is packages/cli/dist/main.js and the build's files lie beside it.
setBuildAssets(new URL("./", import.meta.url));
const args = process.argv.slice(2);
const io = processIo();
const modules = await Promise.all(commandsFor(args).map((c) => c.load()));
process.exitCode = await runCommandLine(buildProgram(io, modules), io, args);
