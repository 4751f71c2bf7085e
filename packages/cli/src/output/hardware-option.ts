/**
 * `--hardware <file>` (repeatable): user chip/system/fabric files added to the built-in catalog.
 */
import { readFileSync } from "node:fs";
import { builtinCatalog, type Catalog, extendCatalog, SupernodeError } from "@supernode/core";
import type { Command } from "commander";
import { collect } from "./files.ts";

/** Adds `--hardware <file>` to a command. */
export function addHardwareOption(command: Command): Command {
  return command.option(
    "--hardware <file>",
    "a YAML/JSON file of chips/systems/fabrics to add (repeatable; may `extends:` built-in ids)",
    collect,
    [],
  );
}

/** The built-in catalog extended with each `--hardware` file, in order. */
export function loadCatalog(options: { hardware?: readonly string[] }): Catalog {
  let catalog = builtinCatalog();
  for (const file of options.hardware ?? []) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      const reason = error instanceof Error && "code" in error ? String(error.code) : "unreadable";
      throw new SupernodeError("usage", `cannot read hardware file (${reason})`, { file });
    }
    catalog = extendCatalog(catalog, text, file);
  }
  return catalog;
}
