import type { ShownError } from "../worker/protocol.ts";

/**
 * An error in the page: the same one-paragraph message the CLI prints, announced to screen
 * readers. Internal errors (bugs) also offer their stack, for a report.
 */
export function ErrorBox({ error, title }: { error: ShownError; title?: string }) {
  return (
    <div className="error-box" role="alert" data-error-kind={error.kind}>
      <strong>{title ?? (error.internal ? "Internal error (please report)" : "Invalid input")}</strong>
      <p className="error-message">{error.message}</p>
      {error.stack !== undefined && (
        <details>
          <summary>Stack</summary>
          <pre>{error.stack}</pre>
        </details>
      )}
    </div>
  );
}
