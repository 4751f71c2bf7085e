import type { ViewProps } from "../app/app.tsx";

export function EstimateView(_props: ViewProps) {
  return <div className="empty">Loading…</div>;
}
