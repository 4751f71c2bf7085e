import type { ViewProps } from "../app/app.tsx";

export function ValidateView(_props: ViewProps) {
  return <div className="empty">Loading…</div>;
}
