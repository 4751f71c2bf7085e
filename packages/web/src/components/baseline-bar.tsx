/**
 * Says what the deltas of a view are measured against — the pinned baseline, its file and the
 * settings changed since — with buttons to pin the current result or drop the baseline.
 */
import { formatChange, settingChanges } from "../app/scenario-diff.ts";
import type { Baseline } from "../app/use-baseline.ts";

const SHOWN_CHANGES = 4;

/** The one-line description of a baseline, also used as the title of every delta. */
export function baselineLabel(baseline: Baseline<unknown>): string {
  return baseline.auto
    ? `the scenario as first shown (${baseline.fileName})`
    : `the pinned result (${baseline.fileName})`;
}

export function BaselineBar({
  baseline,
  text,
  canPin,
  onPin,
  onClear,
}: {
  baseline: Baseline<unknown> | undefined;
  /** The text of the result shown now. */
  text: string | undefined;
  canPin: boolean;
  onPin: () => void;
  onClear: () => void;
}) {
  const changes =
    baseline === undefined || text === undefined ? undefined : settingChanges(baseline.text, text);
  return (
    <div
      className="baseline-bar"
      data-baseline={baseline === undefined ? "none" : baseline.auto ? "auto" : "pinned"}
    >
      <p>
        {baseline === undefined ? (
          "No baseline: deltas are hidden. Pin a result to compare the next ones with it."
        ) : (
          <>
            <strong>Deltas against {baselineLabel(baseline)}</strong>
            {changes === undefined
              ? "."
              : changes.length === 0
                ? ": same settings."
                : `; changed since: ${changes.slice(0, SHOWN_CHANGES).map(formatChange).join(", ")}${
                    changes.length > SHOWN_CHANGES ? ` and ${changes.length - SHOWN_CHANGES} more` : ""
                  }.`}
          </>
        )}
      </p>
      <div className="button-row">
        <button type="button" className="secondary" disabled={!canPin} onClick={onPin}>
          Pin current as baseline
        </button>
        {baseline !== undefined && (
          <button type="button" className="secondary" onClick={onClear}>
            Clear baseline
          </button>
        )}
      </div>
    </div>
  );
}
