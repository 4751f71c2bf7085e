import type { ViewProps } from "../app/app.tsx";

export function CompareView(_props: ViewProps) {
  return <div className="empty">Loading…</div>;
}
