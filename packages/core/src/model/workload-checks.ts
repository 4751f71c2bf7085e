/** The checks of a workload's numbers: a clear error naming the field, never a NaN further on. */
import { SupernodeError } from "../spec/index.ts";

/** `value` when it is a whole number ≥ 1; else an invalid-value error naming `field`. */
export function positiveInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new SupernodeError("invalid-value", `${field} must be an integer >= 1, got ${value}`, {
      fieldPath: [field],
    });
  return value;
}

/** `value` when it is finite and ≥ 0; else an invalid-value error naming `field`. */
export function nonNegative(value: number, field: string): number {
  if (!Number.isFinite(value) || value < 0)
    throw new SupernodeError("invalid-value", `${field} must be a finite number >= 0, got ${value}`, {
      fieldPath: [field],
    });
  return value;
}

/** Throws `infeasible` unless `size` splits evenly over `parts` ranks. */
export function checkDivides(size: number, parts: number, sizeField: string, partsField: string): void {
  if (size % parts !== 0)
    throw new SupernodeError(
      "infeasible",
      `${sizeField} (${size}) is not divisible by ${partsField} (${parts})`,
      {
        fieldPath: [partsField],
      },
    );
}
