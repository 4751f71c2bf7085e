/**
 * Located failures of deployment planning: `infeasible` turns a problem at a field of an
 * instance group into a thrown `SupernodeError` (kind `infeasible`) with file, line and column;
 * `checkDivides` is the divisibility test most planning steps share.
 */
import { SupernodeError } from "../spec/index.ts";
import type { FieldFailure } from "./plan-types.ts";

/** Fails at `fieldPath` unless `divisor` divides `total`, naming both and the remainder. */
export function checkDivides(
  divisor: number,
  total: number,
  fieldPath: ReadonlyArray<string | number>,
  divisorName: string,
  totalName: string,
  fail: FieldFailure,
): void {
  if (total % divisor !== 0)
    fail(
      fieldPath,
      `${divisorName} ${divisor} does not divide the ${total} ${totalName}: ${total % divisor} left over`,
    );
}

/** Turns a failure into a thrown SupernodeError (kind `infeasible`). */
export function infeasible(
  file: string,
  locate: (path: ReadonlyArray<string | number>) => { line: number; column: number } | undefined,
  prefix: ReadonlyArray<string | number>,
): FieldFailure {
  return (fieldPath, detail) => {
    const path = [...prefix, ...fieldPath];
    const pos = locate(path);
    throw new SupernodeError("infeasible", detail, {
      file,
      line: pos?.line,
      column: pos?.column,
      fieldPath: path,
    });
  };
}
