import { isSupernodeError } from "@supernode/core/errors";
import type { CliIo } from "./cli-io.ts";

/**
 * Prints a failure and returns the exit code: 1 for input errors (one paragraph, no stack),
 * 2 for internal errors (a bug: the stack helps whoever reports it).
 */
export function reportFailure(error: unknown, io: CliIo): number {
  if (isSupernodeError(error)) {
    io.stderr.write(`supernode: ${error.message}\n`);
    return 1;
  }
  io.stderr.write(
    `supernode: internal error (please report): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 2;
}
