/**
 * Prints the gzip size of the page JS each view of the web app loads, and of the core worker:
 * `node --import tsx bench/web-bundle.bench.ts [distDir]` (default packages/web/dist; run
 * `npm run build:web` first).
 */
import { join } from "node:path";
import { bundleSizes, formatBundleSizes } from "../packages/web/test/bundle-size.ts";

const dir = process.argv[2] ?? join(import.meta.dirname, "../packages/web/dist");
console.log(formatBundleSizes(bundleSizes(dir)));
