import { isSupernodeError } from "@supernode/core";
import type { ShownError } from "./protocol.ts";

/**
 * Turns anything thrown while running a job into the error the page shows: a `SupernodeError`
 * keeps its kind and its one-paragraph message (exactly what the CLI prints after `supernode: `);
 * anything else is marked internal, with its stack.
 *
 * @example toShownError(new SupernodeError("schema", "x")) // { kind: "schema", message: "x", internal: false }
 */
export function toShownError(error: unknown): ShownError {
  if (isSupernodeError(error)) return { kind: error.kind, message: error.message, internal: false };
  if (error instanceof Error) {
    const shown: ShownError = { kind: "internal", message: error.message, internal: true };
    return error.stack === undefined ? shown : { ...shown, stack: error.stack };
  }
  return { kind: "internal", message: String(error), internal: true };
}
