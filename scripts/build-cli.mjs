#!/usr/bin/env node
// Builds the `supernode` CLI (packages/cli/src + @supernode/core + its npm dependencies) into
// packages/cli/dist as ES modules with esbuild: one small entry (main.js) and one chunk per
// command plus shared chunks, so a command loads only the code it runs. Run by `npm ci`
// (postinstall) and `npm run build`; packages/cli/bin/supernode.js rebuilds by itself when a
// source is newer than the build (see isCliBuildStale below). The catalog data is embedded first.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { YOUNG_GENERATION_FLAGS } from "./young-generation.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
export const distDir = join(root, "packages/cli/dist");
/**
 * Everything the bundle is built from: the sources, the data, and the scripts that build it and
 * read its data at start-up (npm dependencies change only through npm ci, which rebuilds).
 */
const buildInputs = [
  "packages/cli/src",
  "packages/core/src",
  "packages/core/data",
  "scripts/build-cli.mjs",
  "scripts/embed-data.mjs",
  "scripts/embedded-data-file.mjs",
].map((path) => join(root, path));
const stampFile = "build-stamp.json";

function newestMtimeMs(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when the build is missing or a build input changed after it was built. */
export function isCliBuildStale() {
  const stamp = statSync(join(distDir, stampFile), { throwIfNoEntry: false });
  if (stamp === undefined) return true;
  return buildInputs.some((path) => newestMtimeMs(path) > stamp.mtimeMs);
}

/**
 * Runs the fresh build's reference-table entry and stores its output (every end-to-end case's
 * operating point and prediction, a pure function of the sources just built) beside the bundle,
 * where `supernode estimate` reads it. Without it (the entry failed) estimate computes the cases itself.
 */
function writeReferenceTable(dir) {
  try {
    // Its parts inherit the flags (reference-table-entry.ts runs them with its own execArgv).
    const json = execFileSync(
      process.execPath,
      [...YOUNG_GENERATION_FLAGS, join(dir, "reference-table.js")],
      {
        encoding: "utf8",
        maxBuffer: 1 << 26,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    writeFileSync(join(dir, "reference-table.json"), json);
  } catch (error) {
    process.stderr.write(
      `build: no reference table (estimate computes the reference cases each run): ${error.stderr ?? error.message}\n`,
    );
  }
}

/** The metafile's name of the stand-in for core's generated embedded-data module. */
const embeddedDataReader = "scripts/embedded-data-file.mjs";

/** Resolves core's generated embedded-data module to the stand-in that reads embedded-data.json. */
const embeddedDataAsFile = {
  name: "embedded-data-as-file",
  setup(b) {
    b.onResolve({ filter: /\/embedded-data\.generated\.ts$/ }, () => ({
      path: join(root, embeddedDataReader),
    }));
  },
};

/** Builds into a fresh folder, then swaps it in (a CLI started meanwhile keeps a whole build). */
export async function buildCli({ quiet = false } = {}) {
  const started = Date.now();
  const tmp = `${distDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const dataJson = join(tmp, "embedded-data.json");
  execFileSync(process.execPath, [join(root, "scripts/embed-data.mjs"), "--json", dataJson], {
    stdio: "inherit",
  });
  const { build } = await import("esbuild");
  const result = await build({
    // The catalog's data is read from embedded-data.json at start-up (scripts/embedded-data-file.mjs).
    plugins: [embeddedDataAsFile],
    absWorkingDir: root,
    metafile: true,
    entryPoints: {
      main: join(root, "packages/cli/src/main.ts"),
      // Started by the sweep pool as a worker thread (packages/cli/src/sweep/sweep-pool.ts).
      "sweep-thread": join(root, "packages/cli/src/sweep/sweep-thread.ts"),
      // Run once below to write reference-table.json (packages/cli/src/build-assets.ts).
      "reference-table": join(root, "packages/cli/src/build/reference-table-entry.ts"),
    },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // Vite is loaded only by `supernode ui` when it must build the web app; keep it a package import.
    // piscina starts its own worker script beside its module (__dirname), and BullMQ ships Lua
    // scripts and child-process files the same way: both stay package imports (CLI dependencies).
    external: ["vite", "piscina", "bullmq", "ioredis"],
    // Required only by DDSketch's (unused) protobuf serialisation: see packages/core/protobuf-stub.cjs.
    alias: { "protobufjs/minimal": join(root, "packages/core/protobuf-stub.cjs") },
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    chunkNames: "chunks/[name]-[hash]",
    // CommonJS dependencies (commander, cli-table3, …) call require() for Node built-ins.
    banner: {
      js: "import{createRequire as __sn_cr}from'node:module';const require=__sn_cr(import.meta.url);",
    },
    logLevel: "warning",
  });
  // Beside the output file that holds the stand-in module (its import.meta.url names the folder).
  const holder = Object.entries(result.metafile.outputs).find(([, o]) => embeddedDataReader in o.inputs);
  if (holder === undefined) throw new Error("build: no output holds scripts/embedded-data-file.mjs");
  renameSync(dataJson, join(root, dirname(holder[0]), "embedded-data.json"));
  writeFileSync(join(tmp, "package.json"), '{ "type": "module" }\n');
  writeReferenceTable(tmp);
  writeFileSync(join(tmp, stampFile), `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`);
  const old = `${distDir}.old-${process.pid}`;
  if (existsSync(distDir)) renameSync(distDir, old);
  renameSync(tmp, distDir);
  rmSync(old, { recursive: true, force: true });
  if (!quiet) process.stderr.write(`built packages/cli/dist in ${Date.now() - started} ms\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await buildCli();
