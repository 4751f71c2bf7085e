/**
 * The baseline of a view's deltas: a result the user pinned (by default the first result shown,
 * i.e. the scenario as opened), with the document it came from, so every delta says what it is
 * measured against — never an intermediate keystroke or whatever ran before.
 */
import { useState } from "react";

export interface Baseline<R> {
  readonly result: R;
  /** The scenario text the baseline was computed from. */
  readonly text: string;
  readonly fileName: string;
  /** True for the automatic baseline (the first result), false once the user pinned one. */
  readonly auto: boolean;
}

export interface BaselineState<R> {
  readonly baseline: Baseline<R> | undefined;
  /** Pins the current result as the baseline. */
  pin(): void;
  /** Drops the baseline: no deltas until one is pinned. */
  clear(): void;
}

/**
 * @param current the result shown now and the text and file name it was computed from
 */
export function useBaseline<R>(
  current: { readonly result: R; readonly text: string; readonly fileName: string } | undefined,
): BaselineState<R> {
  const [state, setState] = useState<{ baseline?: Baseline<R>; cleared: boolean }>({ cleared: false });
  let baseline = state.baseline;
  if (baseline === undefined && !state.cleared && current !== undefined) {
    baseline = { ...current, auto: true };
    setState({ baseline, cleared: false });
  }
  return {
    baseline,
    pin() {
      if (current !== undefined) setState({ baseline: { ...current, auto: false }, cleared: false });
    },
    clear() {
      setState({ cleared: true });
    },
  };
}
