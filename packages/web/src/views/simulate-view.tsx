import type { ViewProps } from "../app/app.tsx";

export function SimulateView(_props: ViewProps) {
  return <div className="empty">Loading…</div>;
}
