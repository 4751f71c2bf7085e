/**
 * Loading example texts (fetched on demand, `loadExampleText`) in React, so that every place that
 * shows one has a loading state, a failed fetch shows its message, and a stale answer never wins:
 * `useExamplePick` for pickers (the last pick wins; any later edit cancels a pending pick) and
 * `useExampleText` for a view that follows an example named in its URL.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { loadExampleText } from "./examples.ts";

export type ExampleLoad =
  | { readonly status: "idle" }
  | { readonly status: "loading"; readonly name: string }
  | { readonly status: "error"; readonly name: string; readonly message: string }
  | { readonly status: "done"; readonly name: string; readonly text: string };

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * `pick(name)` fetches an example and hands its text to `onLoaded` unless another pick (or
 * `cancel()`, or unmounting) came after it; `state` is the latest pick's.
 */
export function useExamplePick(onLoaded: (text: string, name: string) => void): {
  state: ExampleLoad;
  pick: (name: string) => void;
  cancel: () => void;
} {
  const [state, setState] = useState<ExampleLoad>({ status: "idle" });
  const latest = useRef(0);
  const callback = useRef(onLoaded);
  callback.current = onLoaded;
  useEffect(
    () => () => {
      latest.current += 1;
    },
    [],
  );
  const cancel = useCallback(() => {
    latest.current += 1;
    setState((s) => (s.status === "idle" ? s : { status: "idle" }));
  }, []);
  const pick = useCallback((name: string) => {
    latest.current += 1;
    const ticket = latest.current;
    setState({ status: "loading", name });
    loadExampleText(name).then(
      (text) => {
        if (ticket !== latest.current) return;
        setState({ status: "idle" });
        callback.current(text, name);
      },
      (error: unknown) => {
        if (ticket === latest.current) setState({ status: "error", name, message: message(error) });
      },
    );
  }, []);
  return { state, pick, cancel };
}

/**
 * The text of example `name` (none: idle), following `name` as it changes; `retry()` fetches it
 * again after a failure.
 */
export function useExampleText(name: string | undefined): { state: ExampleLoad; retry: () => void } {
  const [state, setState] = useState<ExampleLoad>({ status: "idle" });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `attempt` fetches again (retry)
  useEffect(() => {
    if (name === undefined) {
      setState({ status: "idle" });
      return;
    }
    let current = true;
    setState({ status: "loading", name });
    loadExampleText(name).then(
      (text) => {
        if (current) setState({ status: "done", name, text });
      },
      (error: unknown) => {
        if (current) setState({ status: "error", name, message: message(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [name, attempt]);
  // Before the effect has run for a new name, the old name's state is stale.
  if (name === undefined) return { state: { status: "idle" }, retry };
  const fresh = state.status !== "idle" && state.name === name;
  return { state: fresh ? state : { status: "loading", name }, retry };
}
