/**
 * `supernode merge <a.jsonl> <b.jsonl> …`: joins sweep result files (shards, resumed runs) into
 * one, sorted by point id, on standard output; a point present twice with different results fails.
 */
import { mergeSweepRecords, parseSweepLines } from "@supernode/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { readText } from "../output/files.ts";

export function register(program: Command, io: CliIo): void {
  program
    .command("merge")
    .description("join sweep result files (shards) into one, sorted by point id")
    .argument("<files...>", "sweep results files (JSON lines)")
    .action((files: string[]) => {
      const parsed = files.map((name) => ({
        name,
        records: parseSweepLines(readText(name, "sweep results"), name),
      }));
      io.stdout.write(mergeSweepRecords(parsed));
    });
}
