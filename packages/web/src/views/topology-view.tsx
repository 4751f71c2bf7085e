import type { ViewProps } from "../app/app.tsx";

export function TopologyView(_props: ViewProps) {
  return <div className="empty">Loading…</div>;
}
