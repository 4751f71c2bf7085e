/**
 * JavaScript each view of a built web app loads, gzip-compressed as `supernode ui` serves it: the
 * entry chunk, the view's chunk and every chunk they import (from Vite's `.vite/manifest.json`),
 * and separately the core worker (one per tab, shared by every view, started at page load).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

interface ManifestChunk {
  readonly file: string;
  readonly imports?: readonly string[];
  readonly dynamicImports?: readonly string[];
  readonly isEntry?: boolean;
}

export interface BundleSizes {
  /** View id → { raw, gzip } bytes of the page JS it needs. */
  readonly views: Record<string, { readonly raw: number; readonly gzip: number; readonly chunks: number }>;
  readonly worker: { readonly raw: number; readonly gzip: number };
}

const VIEW_KEY = /^src\/views\/([a-z]+)-view\.tsx$/;

export function bundleSizes(distDir: string): BundleSizes {
  const manifest = JSON.parse(readFileSync(join(distDir, ".vite/manifest.json"), "utf8")) as Record<
    string,
    ManifestChunk
  >;
  const size = (file: string) => {
    const bytes = readFileSync(join(distDir, file));
    return { raw: bytes.length, gzip: gzipSync(bytes).length };
  };
  const closure = (keys: readonly string[]) => {
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const i of manifest[key]?.imports ?? []) visit(i);
    };
    for (const k of keys) visit(k);
    return [...seen];
  };
  const entry = Object.keys(manifest).find((k) => manifest[k]?.isEntry === true);
  if (entry === undefined) throw new Error(`no entry chunk in ${distDir}/.vite/manifest.json`);
  const views: Record<string, { raw: number; gzip: number; chunks: number }> = {};
  for (const key of Object.keys(manifest)) {
    const id = VIEW_KEY.exec(key)?.[1];
    if (id === undefined) continue;
    const chunks = closure([entry, key]);
    const total = { raw: 0, gzip: 0, chunks: chunks.length };
    for (const c of chunks) {
      const s = size(manifest[c]?.file ?? "");
      total.raw += s.raw;
      total.gzip += s.gzip;
    }
    views[id] = total;
  }
  const workerFile = readdirSync(join(distDir, "assets")).find((f) => /^core-worker-.*\.js$/.test(f));
  if (workerFile === undefined) throw new Error(`no core-worker chunk in ${distDir}/assets`);
  return { views, worker: size(join("assets", workerFile)) };
}

export function formatBundleSizes(s: BundleSizes): string {
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const lines = Object.entries(s.views).map(
    ([id, v]) => `  ${id.padEnd(9)} ${kb(v.gzip).padStart(7)} gzip (${kb(v.raw)} raw, ${v.chunks} chunks)`,
  );
  return [
    "page JS per view:",
    ...lines,
    `core worker: ${kb(s.worker.gzip)} gzip (${kb(s.worker.raw)} raw), loaded once per tab in a worker`,
  ].join("\n");
}
