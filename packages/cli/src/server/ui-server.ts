/**
 * The local server of `supernode ui`: it serves the built web app (static files only — all
 * computation runs in the browser's Web Workers) and a small JSON API (`/api/health`). It listens
 * on loopback unless told otherwise, answers GET and HEAD only, sends a strict Content-Security-
 * Policy and compresses what it sends.
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
import { compress } from "hono/compress";

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

/**
 * What the page may load: only its own files (the app's scripts, styles and workers), inline style
 * attributes (charts set them), data: images; nothing framed, no form posts, no other origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** Whether `host` is a loopback address (the default, for this machine's browser only). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The name part of a Host header (`[::1]:8080` → `[::1]`, `localhost:80` → `localhost`). */
function hostName(header: string): string {
  const bracket = header.match(/^\[[^\]]*\]/);
  if (bracket !== null) return bracket[0].toLowerCase();
  return (header.split(":")[0] ?? "").toLowerCase();
}

/**
 * The Hono app: security headers and compression on every response, GET/HEAD only (405 otherwise),
 * on a loopback bind only loopback Host headers (a DNS-rebinding page gets 403), then `/api/health`
 * and the static files of `distDir` (hashed assets cached for a year).
 */
export function createUiApp(distDir: string, boundHost = "127.0.0.1"): Hono {
  const app = new Hono();
  app.use("*", async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    c.header("X-Frame-Options", "DENY");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cross-Origin-Opener-Policy", "same-origin");
    if (c.res.headers.get("Cache-Control") === null) c.header("Cache-Control", "no-cache");
  });
  app.use("*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      c.header("Allow", "GET, HEAD");
      return c.text("Method not allowed", 405);
    }
    if (isLoopbackHost(boundHost) && !isLoopbackHost(hostName(c.req.header("host") ?? "")))
      return c.text("Forbidden: this server answers only to localhost", 403);
    return next();
  });
  app.use("*", compress());
  app.get("/api/health", (c) => c.json({ ok: true, name: "supernode", computation: "in-browser" }));
  app.use("/assets/*", async (c, next) => {
    await next();
    if (c.res.status === 200) c.header("Cache-Control", "public, max-age=31536000, immutable");
  });
  app.use("*", serveStatic({ root: distDir }));
  app.notFound((c) => c.text("Not found", 404));
  return app;
}

/** Starts the server; rejects with a `SupernodeError` when the port is taken. */
export function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? "127.0.0.1";
  const app = createUiApp(options.distDir, host);
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
