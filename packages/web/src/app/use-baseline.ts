/**
 * The baseline of a view's deltas: a result the user pinned (by default the first result shown,
 * i.e. the scenario as opened), with the document it came from, so every delta says what it is
 * measured against — never an intermediate keystroke or whatever ran before.
 *
 * A pinned baseline lives in the URL (`base` = base64url of its scenario text, `baseFile` = its
 * file name; `base=none` after Clear), so a shared link shows the same deltas: on load the view
 * recomputes the pinned document's result (`pinnedDocument` says which) and hands it back here.
 */
import { useState } from "react";
import { decodeText, encodeText } from "./route.ts";

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
  /** Pins the current result as the baseline (and writes it into the URL). */
  pin(): void;
  /** Drops the baseline: no deltas until one is pinned. */
  clear(): void;
}

export interface PinnedDocument {
  readonly text: string;
  readonly fileName: string;
}

const CLEARED = "none";

/**
 * The pinned baseline's document named by the URL, "cleared", or undefined (none pinned).
 * @example pinnedDocument(new URLSearchParams("base=none")) // "cleared"
 */
export function pinnedDocument(params: URLSearchParams): PinnedDocument | "cleared" | undefined {
  const base = params.get("base");
  if (base === null) return undefined;
  if (base === CLEARED) return "cleared";
  const text = decodeText(base);
  return text === undefined ? undefined : { text, fileName: params.get("baseFile") ?? "baseline.yaml" };
}

type Current<R> = { readonly result: R; readonly text: string; readonly fileName: string };

/**
 * @param current the result shown now and the text and file name it was computed from
 * @param url the view's URL parameters and their setter
 * @param pinnedResult the result computed for the URL's pinned document, with that document
 */
export function useBaseline<R>(
  current: Current<R> | undefined,
  url: { readonly params: URLSearchParams; readonly setParams: (p: URLSearchParams) => void },
  pinnedResult: Current<R> | undefined,
): BaselineState<R> {
  const [auto, setAuto] = useState<Baseline<R> | undefined>(undefined);
  // The result pinned in this page (no wait for the URL's recomputation).
  const [pinnedHere, setPinnedHere] = useState<Current<R> | undefined>(undefined);
  const pinned = pinnedDocument(url.params);
  let baseline: Baseline<R> | undefined;
  if (pinned === "cleared") baseline = undefined;
  else if (pinned !== undefined) {
    const same = (c: Current<R> | undefined) =>
      c !== undefined && c.text === pinned.text && c.fileName === pinned.fileName;
    const found = same(pinnedHere) ? pinnedHere : same(pinnedResult) ? pinnedResult : undefined;
    baseline = found === undefined ? undefined : { ...found, auto: false };
  } else {
    baseline = auto;
    if (baseline === undefined && current !== undefined) {
      baseline = { ...current, auto: true };
      setAuto(baseline);
    }
  }
  const write = (base: string, fileName: string | undefined) => {
    const next = new URLSearchParams(url.params);
    next.set("base", base);
    if (fileName === undefined) next.delete("baseFile");
    else next.set("baseFile", fileName);
    url.setParams(next);
  };
  return {
    baseline,
    pin() {
      if (current === undefined) return;
      setPinnedHere(current);
      write(encodeText(current.text), current.fileName);
    },
    clear() {
      write(CLEARED, undefined);
    },
  };
}
