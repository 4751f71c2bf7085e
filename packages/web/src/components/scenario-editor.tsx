/**
 * The scenario document as text — the same YAML (or JSON) the CLI reads — with import from a
 * file, export (download) and a choice of the reference scenarios shipped in `examples/`. Line
 * numbers beside the text (scrolled with it) match the line:column of core's error messages.
 */
import { useId, useRef } from "react";

export interface ExampleScenario {
  readonly name: string;
  readonly text: string;
}

export function ScenarioEditor({
  text,
  onChange,
  examples,
  fileName,
}: {
  text: string;
  onChange: (text: string, fileName?: string) => void;
  examples: readonly ExampleScenario[];
  fileName: string;
}) {
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
              const example = examples.find((x) => x.name === e.target.value);
              if (example !== undefined) onChange(example.text, example.name);
            }}
          >
            <option value="">Load an example…</option>
            {examples.map((x) => (
              <option key={x.name} value={x.name}>
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
