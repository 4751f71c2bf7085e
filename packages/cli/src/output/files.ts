/**
 * File and option helpers shared by the commands: a file that cannot be read or written is a
 * usage error naming the file (one paragraph, exit 1), never a stack trace.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { SupernodeError } from "@supernode/core";

function reasonOf(error: unknown, fallback: string): string {
  return error instanceof Error && "code" in error ? String(error.code) : fallback;
}

/** @example const text = readText("scenario.yaml", "the scenario"); */
export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new SupernodeError("usage", `cannot read ${what} (${reasonOf(error, "unreadable")})`, { file });
  }
}

/**
 * The reader of the model configs a scenario file names (paths relative to the file), for core's
 * `readFile` parse option. Each call makes a new reader (core keeps resolved sections per reader).
 * @example parseScenario(text, file, catalog, { readFile: modelConfigReader(file) });
 */
export function modelConfigReader(scenarioFile: string): (path: string) => string {
  return (path) => readText(resolve(dirname(scenarioFile), path), "model config");
}

/** @example writeText("out.csv", csv, "the request CSV"); */
export function writeText(file: string, text: string, what: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new SupernodeError("usage", `cannot write ${what} (${reasonOf(error, "unwritable")})`, { file });
  }
}

/** Commander reducer for a repeatable option: `--set a=1 --set b=2` → ["a=1", "b=2"]. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
