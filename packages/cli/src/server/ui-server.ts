/**
 * The local server of `supernode ui`: it serves the built web app (static files only — all
 * computation runs in the browser's Web Workers) and a small JSON API (`/api/health`).
 *
 * @example
 * const server = await startUiServer({ distDir: webPaths().distDir, port: 0 });
 * console.log(server.url); // http://127.0.0.1:43117/
 * await server.close();
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { SupernodeError } from "@supernode/core";
import { Hono } from "hono";

export interface UiServerOptions {
  readonly distDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Loopback by default: the app is for this machine's browser. */
  readonly host?: string;
}

export interface UiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The Hono app: `/api/health`, then the static files of `distDir` (hashed assets cached for a year). */
function createUiApp(distDir: string): Hono {
  const app = new Hono();
  app.get("/api/health", (c) => c.json({ ok: true, name: "supernode", computation: "in-browser" }));
  app.use("/assets/*", async (c, next) => {
    await next();
    if (c.res.status === 200) c.header("Cache-Control", "public, max-age=31536000, immutable");
  });
  app.use("*", async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    if (c.res.headers.get("Cache-Control") === null) c.header("Cache-Control", "no-cache");
  });
  app.use("*", serveStatic({ root: distDir }));
  app.notFound((c) => c.text("Not found", 404));
  return app;
}

/** Starts the server; rejects with a `SupernodeError` when the port is taken. */
export function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? "127.0.0.1";
  const app = createUiApp(options.distDir);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: host }, (info: AddressInfo) => {
      const shownHost = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${info.port}/`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ("closeAllConnections" in server) server.closeAllConnections();
          }),
      });
    });
    server.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE")
        reject(
          new SupernodeError(
            "usage",
            `port ${options.port} on ${host} is in use; choose another with --port`,
          ),
        );
      else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND")
        reject(new SupernodeError("usage", `cannot listen on host ${host}: ${error.message}`));
      else reject(error);
    });
  });
}
