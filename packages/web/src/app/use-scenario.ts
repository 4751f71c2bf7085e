/**
 * The scenario document of a view, kept in the URL (`scenario` = base64url of the text, `file` =
 * its name) so the view can be shared; defaults to a reference scenario from `examples/`.
 * Typing updates the text at once and the URL (hence the computation) after a short pause.
 */
import { useEffect, useRef, useState } from "react";
import type { ExampleScenario } from "../components/scenario-editor.tsx";
import { EXAMPLE_SCENARIOS } from "./examples.ts";
import { decodeText, encodeText } from "./route.ts";

export interface ScenarioState {
  readonly text: string;
  /** The text the computation uses (the URL's): lags `text` while typing. */
  readonly committedText: string;
  readonly fileName: string;
  /** `immediate` skips the typing pause (knobs, imports). */
  setText(text: string, fileName?: string, immediate?: boolean): void;
}

export function useScenario(
  params: URLSearchParams,
  setParams: (p: URLSearchParams, push?: boolean) => void,
  defaultExample: string,
  examples: readonly ExampleScenario[] = EXAMPLE_SCENARIOS,
): ScenarioState {
  const fallback = examples.find((x) => x.name === defaultExample) ?? examples[0];
  const encoded = params.get("scenario");
  const fromUrl = encoded === null ? undefined : decodeText(encoded);
  const committedText = fromUrl ?? fallback?.text ?? "";
  const fileName =
    params.get("file") ?? (fromUrl === undefined ? (fallback?.name ?? "scenario.yaml") : "scenario.yaml");
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

  return {
    text: draft ?? committedText,
    committedText,
    fileName,
    setText(text, name, immediate = false) {
      clearTimeout(timer.current);
      if (immediate || name !== undefined) {
        commit(text, name ?? fileName, name !== undefined);
        return;
      }
      setDraft(text);
      timer.current = setTimeout(() => commit(text, fileName, false), 400);
    },
  };
}
