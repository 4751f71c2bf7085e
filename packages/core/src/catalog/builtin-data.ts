/**
 * Reading the catalog's built-in data files (embedded at install time by scripts/embed-data.mjs).
 * One place for the lookup and for the error a missing file gives.
 */
import type { z } from "zod";
import { parseDocument, SupernodeError } from "../spec/index.ts";
import { embeddedDataFiles } from "./embedded-data.generated.ts";

/**
 * Text of a built-in data file, by path relative to packages/core/data.
 * @example builtinDataText("fabric/protocols.yaml").startsWith("#")
 */
export function builtinDataText(path: string): string {
  const text = embeddedDataFiles[path];
  if (text === undefined)
    throw new SupernodeError(
      "invalid-value",
      `built-in data file ${path} is missing: run node scripts/embed-data.mjs`,
    );
  return text;
}

/**
 * A built-in data file parsed and validated against its schema.
 * @example const doc = parseBuiltinData("deploy/step-overheads.yaml", fileSchema);
 */
export function parseBuiltinData<S extends z.ZodType>(path: string, schema: S): z.output<S> {
  return parseDocument(builtinDataText(path), path, schema);
}

/**
 * A getter of a built-in data file that reads it with `parse` (text, file name) on first use and
 * returns the same object after: for files whose reader does more than a schema (source-key checks,
 * unit conversion), as the fabric and all-reduce parameter files do.
 * @example const builtinFabricParams = builtinParsedOnce("fabric/protocols.yaml", parseFabricParams);
 */
export function builtinParsedOnce<T>(path: string, parse: (text: string, fileName: string) => T): () => T {
  let parsed: T | undefined;
  return () => {
    parsed ??= parse(builtinDataText(path), path);
    return parsed;
  };
}

/**
 * A getter of a built-in data file that parses and validates it on first use and returns the same
 * object after (every module reading one of these files keeps it for the process).
 * @example const reliabilityData = builtinDataOnce("training/reliability.yaml", fileSchema);
 */
export function builtinDataOnce<S extends z.ZodType>(path: string, schema: S): () => z.output<S> {
  return builtinParsedOnce(path, (text, fileName) => parseDocument(text, fileName, schema));
}
