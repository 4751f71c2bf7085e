/**
 * The app's state lives in the URL hash, so any view can be shared as a link:
 * `#/<view>?<params>`, e.g. `#/compare?systems=cloudmatrix384,gb200-nvl72`.
 * Scenario documents travel as base64url-encoded UTF-8 text (`encodeText`).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

export type ViewId = "compare" | "topology" | "estimate" | "simulate" | "frontier" | "validate";
export const VIEWS: readonly { readonly id: ViewId; readonly label: string; readonly title: string }[] = [
  { id: "compare", label: "Compare", title: "Systems side by side, every figure with its source" },
  {
    id: "topology",
    label: "Topology",
    title: "Racks, nodes, switches and planes; link load of a collective",
  },
  {
    id: "estimate",
    label: "Estimate",
    title: "Step time, tokens/s per chip, memory and the bound of a deployment",
  },
  {
    id: "simulate",
    label: "Simulate",
    title: "Request-level serving simulation: TTFT, TPOT, throughput, SLOs",
  },
  {
    id: "frontier",
    label: "Frontier",
    title: "Deployment search: tokens/s per chip against tokens/s per user, best under a TPOT limit",
  },
  { id: "validate", label: "Validate", title: "Predictions against published measurements" },
];

export interface Route {
  readonly view: ViewId;
  readonly params: URLSearchParams;
}

function isViewId(text: string): text is ViewId {
  return VIEWS.some((v) => v.id === text);
}

/** @example parseHash("#/estimate?x=1") // { view: "estimate", params: x=1 } */
export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, "");
  const q = body.indexOf("?");
  const name = q < 0 ? body : body.slice(0, q);
  const params = new URLSearchParams(q < 0 ? "" : body.slice(q + 1));
  return { view: isViewId(name) ? name : "compare", params };
}

/** @example formatHash("compare", new URLSearchParams({ systems: "a,b" })) // "#/compare?systems=a%2Cb" */
export function formatHash(view: ViewId, params: URLSearchParams): string {
  const query = params.toString();
  return query === "" ? `#/${view}` : `#/${view}?${query}`;
}

/** UTF-8 text → base64url (for scenario documents in the URL). */
export function encodeText(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** base64url → UTF-8 text; `undefined` when the text is not valid base64url. */
export function decodeText(encoded: string): string | undefined {
  try {
    const binary = atob(encoded.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** A history entry `navigate` asked for, written once the route it names has rendered. */
interface PendingEntry {
  readonly hash: string;
  readonly replace: boolean;
}

/**
 * The current route and a function to change it (`replace` avoids a history entry per keystroke).
 * The address follows the page: `navigate` sets the route, and its history entry is written in a
 * layout effect, after React has put the new route's page in the document — never before, so the
 * address (a copied link, a test waiting on the URL) never names a page that is not shown yet.
 */
export function useRoute(): [Route, (view: ViewId, params?: URLSearchParams, replace?: boolean) => void] {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  const pending = useRef<PendingEntry | undefined>(undefined);
  useEffect(() => {
    const onChange = () => {
      pending.current = undefined;
      setRoute(parseHash(window.location.hash));
    };
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs after each route change is rendered
  useLayoutEffect(() => {
    const entry = pending.current;
    pending.current = undefined;
    if (entry === undefined || entry.hash === window.location.hash) return;
    if (entry.replace) window.history.replaceState(null, "", entry.hash);
    else window.history.pushState(null, "", entry.hash);
  }, [route]);
  const navigate = useCallback((view: ViewId, params = new URLSearchParams(), replace = false) => {
    const hash = formatHash(view, params);
    const before = pending.current;
    if (hash === (before?.hash ?? window.location.hash)) return;
    // Several navigations before one render make one entry: a new one if any of them asked for it.
    pending.current = { hash, replace: replace && (before?.replace ?? true) };
    setRoute(parseHash(hash));
  }, []);
  return [route, navigate];
}
