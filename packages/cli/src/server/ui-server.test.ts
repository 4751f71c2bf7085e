import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";
import { createUiApp, startUiServer } from "./ui-server.ts";
import { isWebBuildStale, type WebPaths } from "./web-build.ts";

const bin = fileURLToPath(new URL("../../bin/supernode.js", import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "supernode-ui-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>Supernode</title>");
  writeFileSync(join(dir, "assets/app-1234.js"), "console.log(1)");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ui server", () => {
  it("serves the app's files, caches hashed assets, and answers /api/health", async () => {
    const server = await startUiServer({ distDir: dir, port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const index = await fetch(server.url);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain("<title>Supernode</title>");
      expect(index.headers.get("cache-control")).toBe("no-cache");
      const asset = await fetch(`${server.url}assets/app-1234.js`);
      expect(asset.headers.get("cache-control")).toContain("immutable");
      expect(asset.headers.get("content-type")).toMatch(/javascript/);
      expect(await (await fetch(`${server.url}api/health`)).json()).toEqual({
        ok: true,
        name: "supernode",
        computation: "in-browser",
      });
      expect((await fetch(`${server.url}missing.txt`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("refuses a port in use with a one-paragraph usage error", async () => {
    const first = await startUiServer({ distDir: dir, port: 0 });
    try {
      await expect(startUiServer({ distDir: dir, port: first.port })).rejects.toThrow(
        /is in use; choose another with --port/,
      );
    } finally {
      await first.close();
    }
  });
});

describe("ui server hardening", () => {
  const app = () => createUiApp(dir, "127.0.0.1");
  const get = (path: string, init: RequestInit & { host?: string } = {}) =>
    app().request(`http://127.0.0.1${path}`, {
      ...init,
      headers: { host: init.host ?? "127.0.0.1:8080", "accept-encoding": "gzip", ...(init.headers ?? {}) },
    });

  it("sends security headers on every response, /api/health included", async () => {
    for (const path of ["/", "/api/health", "/missing.txt"]) {
      const response = await get(path);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  it("answers other methods with 405 and an Allow header", async () => {
    const response = await get("/", { method: "POST", body: "x" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("refuses a foreign Host header on a loopback bind (DNS rebinding), accepts loopback names", async () => {
    expect((await get("/", { host: "evil.example:8080" })).status).toBe(403);
    for (const host of ["localhost:8080", "127.0.0.1", "[::1]:8080"])
      expect((await get("/", { host })).status).toBe(200);
  });

  it("compresses what it sends when the browser accepts gzip", async () => {
    writeFileSync(join(dir, "assets/big-5678.js"), "console.log('supernode');\n".repeat(400));
    const response = await get("/assets/big-5678.js");
    expect(response.headers.get("content-encoding")).toBe("gzip");
  });

  it("does not serve files outside its folder, encoded or not", async () => {
    for (const path of ["/../package.json", "/%2e%2e/package.json", "/assets/%2e%2e%2f%2e%2e%2fpackage.json"])
      expect((await get(path)).status).toBe(404);
  });
});

describe("web build staleness", () => {
  it("is stale without a build and when a source is newer than the build", () => {
    const root = mkdtempSync(join(tmpdir(), "supernode-web-"));
    const paths: WebPaths = {
      repoRoot: root,
      webRoot: root,
      distDir: join(root, "dist"),
      sources: [join(root, "src")],
    };
    mkdirSync(join(root, "src"));
    writeFileSync(join(root, "src/a.ts"), "x");
    expect(isWebBuildStale(paths)).toBe(true);
    mkdirSync(join(root, "dist"));
    writeFileSync(join(root, "dist/index.html"), "<html>");
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(root, "src/a.ts"), past, past);
    utimesSync(join(root, "src"), past, past);
    expect(isWebBuildStale(paths)).toBe(false);
    writeFileSync(join(root, "src/b.ts"), "y");
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(root, "src/b.ts"), future, future);
    expect(isWebBuildStale(paths)).toBe(true);
    rmSync(root, { recursive: true, force: true });
  });
});

describe("supernode ui", () => {
  it("serves a build directory on localhost and prints its URL", async () => {
    const child = spawn(process.execPath, [bin, "ui", "--port", "0", "--dir", dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 60_000);
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const match = /Supernode UI: (http:\/\/\S+)/.exec(out);
          if (match?.[1] !== undefined) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.on("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await (await fetch(url)).text()).toContain("<title>Supernode</title>");
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("rejects a bad port and a directory without a build, without a stack trace", () => {
    const port = runCli(["ui", "--port", "http"]);
    expect(port.status).toBe(1);
    expect(port.stderr).toContain("--port must be an integer from 0 to 65535");
    expect(port.stderr).not.toMatch(/\n\s+at /);
    const empty = runCli(["ui", "--dir", tmpdir()]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain("no index.html there");
  });
});
