/**
 * `supernode ui [--port N] [--host ADDR] [--no-build] [--dir PATH]`: serves the web app on localhost and prints
 * its URL. The app is built first when `packages/web/dist` is missing or older than its sources.
 * The server only serves files; every computation runs in the browser.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { SupernodeError } from "@supernode/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { isLoopbackHost, startUiServer } from "../server/ui-server.ts";
import { buildWeb, isWebBuildStale, type WebPaths, webPaths } from "../server/web-build.ts";

const DEFAULT_UI_PORT = 5178;

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new SupernodeError(
      "usage",
      `--port must be an integer from 0 to 65535 (0 = any free port), got "${text}"`,
    );
  return port;
}

export function register(program: Command, io: CliIo): void {
  program
    .command("ui")
    .description("serve the web app (compare, topology, estimate, simulate, validate) on localhost")
    .option("-p, --port <port>", "port to listen on (0 = any free port)", String(DEFAULT_UI_PORT))
    .option(
      "--host <address>",
      "address to listen on (default loopback; another address is reachable from other machines and prints a warning)",
      "127.0.0.1",
    )
    .option("--no-build", "serve the existing build even if it is stale")
    .option(
      "--dir <path>",
      "serve this directory (a copy of a build) instead of packages/web/dist; never builds",
    )
    .action((options: { port: string; host: string; build: boolean; dir?: string }) => {
      // Usage errors throw before anything asynchronous starts (one paragraph, exit 1).
      const port = parsePort(options.port);
      if (options.dir !== undefined) {
        const dir = resolve(options.dir);
        if (!existsSync(join(dir, "index.html")))
          throw new SupernodeError(
            "usage",
            `--dir ${options.dir}: no index.html there (build with npm run build:web)`,
          );
        return serveUntilStopped(io, dir, port, options.host);
      }
      const paths = webPaths();
      if (!options.build && !existsSync(join(paths.distDir, "index.html")))
        throw new SupernodeError("usage", `no web build in ${paths.distDir}; run without --no-build`);
      return buildIfStale(io, paths, options.build).then(() =>
        serveUntilStopped(io, paths.distDir, port, options.host),
      );
    });
}

async function buildIfStale(io: CliIo, paths: WebPaths, build: boolean): Promise<void> {
  if (build && isWebBuildStale(paths)) {
    io.stderr.write("Building the web app…\n");
    await buildWeb(paths);
  }
}

/** Serves until SIGINT/SIGTERM, then closes the server and lets the process end by itself. */
async function serveUntilStopped(io: CliIo, distDir: string, port: number, host: string): Promise<void> {
  const server = await startUiServer({ distDir, port, host });
  if (!isLoopbackHost(host))
    io.stderr.write(
      `warning: listening on ${host}, not loopback: any machine that can reach it can open the app (it serves static files only)\n`,
    );
  io.stdout.write(`Supernode UI: ${server.url}\n(press Ctrl+C to stop)\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void server.close().then(done);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
