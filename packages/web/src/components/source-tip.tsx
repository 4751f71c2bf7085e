/**
 * A figure with its provenance: hovering or focusing (Tab) the value shows where it comes from —
 * evidence tag, note and every source (title, section, link).
 */
import { type ReactNode, useId } from "react";
import type { ShownSource } from "../worker/jobs/shown-source.ts";

export type { ShownSource };

export function SourceTip({ source, children }: { source: ShownSource | undefined; children: ReactNode }) {
  const id = useId();
  if (source === undefined || (source.sources.length === 0 && source.note === undefined))
    return <>{children}</>;
  return (
    <span className="sourced">
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so keyboard users can read the source */}
      <span className="sourced-value" tabIndex={0} aria-describedby={id}>
        {children}
      </span>
      <span className="source-tip" role="tooltip" id={id}>
        {source.tag !== undefined && <span className={`tag tag-${source.tag}`}>{source.tag}</span>}
        {source.note !== undefined && <span className="source-note">{source.note}</span>}
        {source.sources.map((s) => (
          <span className="source-ref" key={`${s.url}#${s.section ?? ""}`}>
            <a href={s.url} target="_blank" rel="noreferrer">
              {s.title}
            </a>
            {s.section !== undefined && <span className="source-section"> — {s.section}</span>}
          </span>
        ))}
      </span>
    </span>
  );
}
