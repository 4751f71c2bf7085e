/**
 * The `--json` / `--csv` flags shared by commands that print tables.
 */

import { SupernodeError } from "@supernode/core";
import { type Command, Option } from "commander";

export type OutputFormat = "table" | "json" | "csv";

/** Adds `--json` and `--csv` to a command. */
export function addOutputOptions(command: Command): Command {
  return command
    .addOption(new Option("--json", "print JSON (SI units: FLOP/s, bytes, bytes/s, watts)"))
    .addOption(new Option("--csv", "print CSV (SI units)"));
}

/** @example outputFormat({ json: true }) === "json" */
export function outputFormat(options: { json?: boolean; csv?: boolean }): OutputFormat {
  if (options.json === true && options.csv === true)
    throw new SupernodeError("usage", "choose one of --json and --csv, not both");
  if (options.json === true) return "json";
  if (options.csv === true) return "csv";
  return "table";
}
