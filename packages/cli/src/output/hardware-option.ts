/**
 * `--hardware <file>` (repeatable): user chip/system/fabric files added to the built-in catalog.
 */
import { builtinCatalog, type Catalog, extendCatalog } from "@supernode/core";
import type { Command } from "commander";
import { collect, readText } from "./files.ts";

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
  for (const file of options.hardware ?? [])
    catalog = extendCatalog(catalog, readText(file, "hardware file"), file);
  return catalog;
}
