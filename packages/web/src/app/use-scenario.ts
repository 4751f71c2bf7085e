/**
 * The scenario document of a view, kept in the URL (`scenario` = base64url of the text, `file` =
 * its name) so the view can be shared; defaults to the view's reference scenario from `examples/`
 * (bundled with the view). Typing updates the text at once and the URL (hence the computation)
 * after a short pause. Picking another example fetches its text first (`exampleLoad` says how
 * that goes); the last pick wins, and any edit made meanwhile cancels the pending pick.
 */
import { useEffect, useRef, useState } from "react";
import { decodeText, encodeText } from "./route.ts";
import { type ExampleLoad, useExamplePick } from "./use-example.ts";

/** A scenario document and its file name. */
export interface NamedText {
  readonly name: string;
  readonly text: string;
}

export interface ScenarioState {
  readonly text: string;
  /** The text the computation uses (the URL's): lags `text` while typing. */
  readonly committedText: string;
  readonly fileName: string;
  /** `immediate` skips the typing pause (knobs, imports). Cancels a pending example pick. */
  setText(text: string, fileName?: string, immediate?: boolean): void;
  /** Fetches example `name` and makes it the document (a new history entry) unless superseded. */
  pickExample(name: string): void;
  /** The latest pick's state: loading, failed (with the message) or idle. */
  readonly exampleLoad: ExampleLoad;
}

export function useScenario(
  params: URLSearchParams,
  setParams: (p: URLSearchParams, push?: boolean) => void,
  fallback: NamedText,
): ScenarioState {
  const encoded = params.get("scenario");
  const fromUrl = encoded === null ? undefined : decodeText(encoded);
  const committedText = fromUrl ?? fallback.text;
  const fileName = params.get("file") ?? (fromUrl === undefined ? fallback.name : "scenario.yaml");
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latestParams = useRef(params);
  latestParams.current = params;

  useEffect(() => () => clearTimeout(timer.current), []);

  const commit = (text: string, name: string, push: boolean) => {
    const next = new URLSearchParams(latestParams.current);
    next.set("scenario", encodeText(text));
    next.set("file", name);
    setParams(next, push);
    setDraft(undefined);
  };
  const example = useExamplePick((text, name) => {
    clearTimeout(timer.current);
    commit(text, name, true);
  });

  return {
    text: draft ?? committedText,
    committedText,
    fileName,
    setText(text, name, immediate = false) {
      example.cancel();
      clearTimeout(timer.current);
      if (immediate || name !== undefined) {
        commit(text, name ?? fileName, name !== undefined);
        return;
      }
      setDraft(text);
      timer.current = setTimeout(() => commit(text, fileName, false), 400);
    },
    pickExample: example.pick,
    exampleLoad: example.state,
  };
}
