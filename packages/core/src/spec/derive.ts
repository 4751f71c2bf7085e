/**
 * Arithmetic on sourced numbers. A product, sum or ratio of `Sourced<number>` is `derived`: it
 * carries all its inputs' sources, and each alternative of an input yields an alternative of the
 * result (one input varied at a time), so "384 × 780 TFLOPS" also shows "384 × 752 TFLOPS".
 */
import { type Alternative, derived, type Sourced } from "./sourced.ts";

type Operand = Sourced<number> | number;

function numberOf(x: Operand): number {
  return typeof x === "number" ? x : x.value;
}

function combine(
  note: string,
  operands: readonly Operand[],
  op: (values: readonly number[]) => number,
): Sourced<number> {
  const values = operands.map(numberOf);
  const inputs = operands.filter((x): x is Sourced<number> => typeof x !== "number");
  const result = derived(op(values), note, ...inputs);
  const alternatives: Alternative<number>[] = [];
  operands.forEach((x, i) => {
    if (typeof x === "number") return;
    for (const alt of x.alternatives ?? []) {
      const varied = values.slice();
      varied[i] = alt.value;
      alternatives.push({
        value: op(varied),
        sources: alt.sources,
        note: alt.note ?? `with ${alt.value} instead of ${x.value}`,
      });
    }
  });
  return alternatives.length > 0 ? { ...result, alternatives } : result;
}

/** @example productOf("384 × per-chip BF16", 384, chip.peakFlopsPerS.bf16) */
export function productOf(note: string, ...factors: readonly Operand[]): Sourced<number> {
  return combine(note, factors, (v) => v.reduce((a, b) => a * b, 1));
}

/** @example sumOf("compute + network racks", computeW, networkW) */
export function sumOf(note: string, ...terms: readonly Operand[]): Sourced<number> {
  return combine(note, terms, (v) => v.reduce((a, b) => a + b, 0));
}

/** @example ratioOf("FLOP/s per W", flops, watts) */
export function ratioOf(note: string, numerator: Operand, denominator: Operand): Sourced<number> {
  return combine(note, [numerator, denominator], (v) => (v[0] ?? Number.NaN) / (v[1] ?? Number.NaN));
}
