/**
 * The `supernode` command. Each subcommand lives in `commands/<name>.ts` and exports
 * `register(program)`. Errors from input (SupernodeError) print as one paragraph with exit code 1;
 * anything else is a bug and prints its stack with exit code 2.
 */
import { Command } from "commander";
import * as catalogCommand from "./commands/catalog.ts";
import * as collectiveCommand from "./commands/collective.ts";
import * as compareCommand from "./commands/compare.ts";
import * as estimateCommand from "./commands/estimate.ts";
import * as modelCommand from "./commands/model.ts";
import * as rooflineCommand from "./commands/roofline.ts";
import * as showCommand from "./commands/show.ts";
import * as simulateCommand from "./commands/simulate.ts";
import * as uiCommand from "./commands/ui.ts";
import * as validateCommand from "./commands/validate.ts";
import { reportFailure } from "./fail.ts";

const program = new Command();
program
  .name("supernode")
  .description(
    "Simulator and capacity planner for AI supernodes: CloudMatrix384, GB200 NVL72, HGX servers and clusters.",
  )
  .version("0.1.0")
  .showHelpAfterError("(run with --help for usage)")
  .configureOutput({ outputError: (text, write) => write(text) });

// In the order `--help` lists them: hardware, models, operators, fabric, step model, serving, validation, UI.
const commandModules: ReadonlyArray<{ register(program: Command): void }> = [
  catalogCommand,
  showCommand,
  compareCommand,
  modelCommand,
  rooflineCommand,
  collectiveCommand,
  estimateCommand,
  simulateCommand,
  validateCommand,
  uiCommand,
];
for (const module of commandModules) module.register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}
