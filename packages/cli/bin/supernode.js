#!/usr/bin/env node
// Runs the built CLI (packages/cli/dist, made by `npm ci` / `npm run build`). In a checkout whose
// sources changed since that build, it rebuilds first (≈ 0.5 s, esbuild), so the command always
// runs the current sources; outside a checkout (no scripts/build-cli.mjs) it runs the build as is.
import { existsSync } from "node:fs";

const builder = new URL("../../../scripts/build-cli.mjs", import.meta.url);
if (existsSync(builder)) {
  const { isCliBuildStale, buildCli } = await import(builder.href);
  if (isCliBuildStale()) await buildCli({ quiet: true });
}
await import("../dist/main.js");
