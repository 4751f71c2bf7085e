/**
 * The app shell: a header with one link per view (plain links, so Tab/Enter and the browser's
 * back button work), the current view under an error boundary, and a footer saying where the
 * computation runs. All state is in the URL hash (see `route.ts`).
 */
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { ErrorBoundary } from "../components/error-boundary.tsx";
import { formatHash, useRoute, VIEWS, type ViewId } from "./route.ts";

// One chunk per view, loaded when the view is first shown (the core worker starts meanwhile).
const CompareView = lazy(() => import("../views/compare-view.tsx").then((m) => ({ default: m.CompareView })));
const TopologyView = lazy(() =>
  import("../views/topology-view.tsx").then((m) => ({ default: m.TopologyView })),
);
const EstimateView = lazy(() =>
  import("../views/estimate-view.tsx").then((m) => ({ default: m.EstimateView })),
);
const SimulateView = lazy(() =>
  import("../views/simulate-view.tsx").then((m) => ({ default: m.SimulateView })),
);
const FrontierView = lazy(() =>
  import("../views/frontier-view.tsx").then((m) => ({ default: m.FrontierView })),
);
const ValidateView = lazy(() =>
  import("../views/validate-view.tsx").then((m) => ({ default: m.ValidateView })),
);

export interface ViewProps {
  readonly params: URLSearchParams;
  /** Replaces the view's URL parameters (`push` adds a history entry). */
  readonly setParams: (params: URLSearchParams, push?: boolean) => void;
}

function renderView(view: ViewId, props: ViewProps) {
  switch (view) {
    case "compare":
      return <CompareView {...props} />;
    case "topology":
      return <TopologyView {...props} />;
    case "estimate":
      return <EstimateView {...props} />;
    case "simulate":
      return <SimulateView {...props} />;
    case "frontier":
      return <FrontierView {...props} />;
    case "validate":
      return <ValidateView {...props} />;
    default:
      return view satisfies never;
  }
}

/** Copies the current URL (the whole state of the view) to the clipboard. */
function CopyLink() {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="copy-link"
      title="Copy a link to this view with all its settings"
      onClick={() => {
        void navigator.clipboard?.writeText(window.location.href).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? "Link copied" : "Copy link"}
    </button>
  );
}

export function App() {
  const [route, navigate] = useRoute();
  const setParams = useCallback(
    (params: URLSearchParams, push = false) => navigate(route.view, params, !push),
    [navigate, route.view],
  );
  const current = VIEWS.find((v) => v.id === route.view);
  useEffect(() => {
    document.title = `${current?.label ?? ""} · Supernode`;
  }, [current]);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Supernode</span>
          <span className="brand-tag">simulator and capacity planner for AI supernodes</span>
        </div>
        <nav aria-label="Views">
          <ul className="tabs">
            {VIEWS.map((v) => (
              <li key={v.id}>
                <a
                  href={formatHash(v.id, new URLSearchParams())}
                  className={v.id === route.view ? "tab active" : "tab"}
                  aria-current={v.id === route.view ? "page" : undefined}
                  title={v.title}
                  data-view={v.id}
                >
                  {v.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <CopyLink />
      </header>
      <main id="main" className="app-main" data-view={route.view} tabIndex={-1}>
        <h1 className="view-title">
          {current?.label} <span className="view-subtitle">{current?.title}</span>
        </h1>
        <ErrorBoundary resetKey={route.view}>
          <Suspense fallback={<p className="status-line">Loading the view…</p>}>
            {renderView(route.view, { params: route.params, setParams })}
          </Suspense>
        </ErrorBoundary>
      </main>
      <footer className="app-footer">
        Everything is computed in your browser by <code>@supernode/core</code> in Web Workers — nothing is
        sent to a server. Same results as the <code>supernode</code> command.
      </footer>
    </div>
  );
}
