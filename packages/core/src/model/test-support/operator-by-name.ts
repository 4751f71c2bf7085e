import type { Operator } from "../types.ts";

/** The operator of that name in a list, or a thrown error naming it (tests only). */
export function byName(ops: readonly Operator[], name: string): Operator {
  const op = ops.find((o) => o.name === name);
  if (op === undefined) throw new Error(`no operator ${name}`);
  return op;
}
