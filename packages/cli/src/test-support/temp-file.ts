/** Writes test input files where the CLI under test can read them. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Writes `text` to `name` in a fresh temporary folder and returns its path.
 * @example runCli(["simulate", writeTempFile("s.yaml", scenarioText)])
 */
export function writeTempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "supernode-test-"));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
