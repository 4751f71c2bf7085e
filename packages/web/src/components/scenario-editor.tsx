/**
 * The scenario document as text — the same YAML (or JSON) the CLI reads — with import from a
 * file, export (download) and a choice of the reference scenarios shipped in `examples/` (each
 * fetched when picked: "Loading…" meanwhile, a failed fetch says so, the last pick wins and an
 * edit or import cancels a pending one: `useScenario`). Line numbers beside the text (scrolled with it) match the
 * line:column of core's error messages.
 */
import { useId, useRef } from "react";
import type { ExampleInfo } from "../app/examples.ts";
import type { ScenarioState } from "../app/use-scenario.ts";
import { ExampleError } from "./example-error.tsx";

export function ScenarioEditor({
  scenario,
  examples,
}: {
  /** The view's document (`useScenario`): its text and file name, edits, and example picks. */
  scenario: ScenarioState;
  examples: readonly ExampleInfo[];
}) {
  const { text, fileName, exampleLoad } = scenario;
  const onChange = (next: string, name?: string) => scenario.setText(next, name);
  const fileInput = useRef<HTMLInputElement>(null);
  const gutter = useRef<HTMLPreElement>(null);
  const lineCount = text.split("\n").length;
  const editorId = useId();
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = fileName.endsWith(".json") || fileName.endsWith(".yaml") ? fileName : `${fileName}.yaml`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="scenario-editor-box">
      <div className="button-row">
        <label className="field">
          <span>Reference scenario</span>
          <select
            aria-label="Reference scenario"
            value=""
            onChange={(e) => {
              if (e.target.value !== "") scenario.pickExample(e.target.value);
            }}
          >
            <option value="">Load an example…</option>
            {examples.map((x) => (
              <option key={x.name} value={x.name} title={x.title}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary" onClick={() => fileInput.current?.click()}>
          Import…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".yaml,.yml,.json"
          hidden
          aria-label="Import scenario file"
          data-testid="scenario-file"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file !== undefined) onChange(await file.text(), file.name);
            e.target.value = "";
          }}
        />
        <button type="button" className="secondary" onClick={download}>
          Export
        </button>
      </div>
      <p className="status-line" aria-live="polite" data-example-status={exampleLoad.status}>
        {exampleLoad.status === "loading" && `Loading ${exampleLoad.name}…`}
      </p>
      {exampleLoad.status === "error" && (
        <ExampleError name={exampleLoad.name} message={exampleLoad.message}>
          . The document below is unchanged: pick the example again, or reload the page if the app was updated
          since it was opened.
        </ExampleError>
      )}
      <label htmlFor={editorId} className="field-label">
        Scenario document <span className="hint">({fileName}: the same document the CLI reads)</span>
      </label>
      <div className="editor-frame">
        <pre className="line-numbers" ref={gutter} aria-hidden="true" data-lines={lineCount}>
          {Array.from({ length: lineCount }, (_, i) => i + 1).join("\n")}
        </pre>
        <textarea
          id={editorId}
          className="scenario-editor"
          spellCheck={false}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (gutter.current !== null) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
          aria-label="Scenario document"
        />
      </div>
    </div>
  );
}
