/**
 * Every `supernode` command, in the order `--help` lists them (hardware, models, operators,
 * fabric, step model, serving, validation, UI), each loaded only when it runs: the CLI imports
 * the one command named on its command line, so `supernode --version` loads none and
 * `supernode estimate` never loads the serving simulator. Add a new command here.
 */
import type { CommandModule } from "../program.ts";

export interface CommandEntry {
  readonly name: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: "catalog", load: () => import("./catalog.ts") },
  { name: "show", load: () => import("./show.ts") },
  { name: "compare", load: () => import("./compare.ts") },
  { name: "model", load: () => import("./model.ts") },
  { name: "roofline", load: () => import("./roofline.ts") },
  { name: "collective", load: () => import("./collective.ts") },
  { name: "estimate", load: () => import("./estimate.ts") },
  { name: "simulate", load: () => import("./simulate.ts") },
  { name: "search", load: () => import("./search.ts") },
  { name: "frontier", load: () => import("./frontier.ts") },
  { name: "train", load: () => import("./train.ts") },
  { name: "validate", load: () => import("./validate.ts") },
  { name: "sweep", load: () => import("./sweep.ts") },
  { name: "merge", load: () => import("./merge.ts") },
  { name: "worker", load: () => import("./worker.ts") },
  { name: "report", load: () => import("./report.ts") },
  { name: "ui", load: () => import("./ui.ts") },
];

/**
 * The commands a command line needs: only the named one when the first argument names one,
 * else all (for `--help`, an unknown command's suggestions) — none for a bare `--version`.
 */
export function commandsFor(args: readonly string[]): readonly CommandEntry[] {
  const first = args[0];
  if (first === "--version" || first === "-V") return [];
  const named = COMMANDS.find((c) => c.name === first);
  return named !== undefined ? [named] : COMMANDS;
}
