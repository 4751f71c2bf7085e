/**
 * A sweep through Redis (a real redis-server on loopback) with two `supernode worker` processes,
 * one killed with SIGKILL in the middle: every point is written exactly once and the results file
 * has the same bytes as the local pool's.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRedis, type TestRedis } from "../test-support/redis-server.ts";
import { writeTempFile } from "../test-support/temp-file.ts";

const bin = fileURLToPath(new URL("../../bin/supernode.js", import.meta.url));
const example = fileURLToPath(
  new URL("../../../../examples/cloudmatrix384-deepseek-r1-decode.yaml", import.meta.url),
);
const batches = Array.from({ length: 60 }, (_, i) => i + 1);
const planText = `scenario: ${example}
grid:
  deployment.decode.batchPerChip: [${batches.join(", ")}]
  deployment.decode.kvLength: [1024, 2048, 4096, 8192, 16384]
`;

interface Running {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly exit: Promise<number | null>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr?.on("data", (d) => {
    err += String(d);
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stderr: () => err, exit };
}

async function until(what: string, test: () => boolean, timeoutS = 60): Promise<void> {
  const end = Date.now() + timeoutS * 1000;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").length - 1 : 0);

describe("supernode sweep --redis with supernode worker", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("survives a worker killed mid-sweep: every point once, same bytes as the local run", async () => {
    const plan = writeTempFile("plan.yaml", planText);
    const dir = dirname(plan);
    const local = join(dir, "local.jsonl");
    const viaRedis = join(dir, "redis.jsonl");
    const localRun = start(["sweep", plan, "--out", local, "--threads", "2"]);
    expect(await localRun.exit, localRun.stderr()).toBe(0);

    const queue = ["--redis", redis.url, "--queue", "test-kill"];
    const workerArgs = ["worker", ...queue, "--threads", "1", "--lock-s", "1"];
    const a = start(workerArgs);
    const b = start(workerArgs);
    try {
      await until(
        "workers",
        () => a.stderr().includes("thread(s) on queue") && b.stderr().includes("thread(s) on queue"),
      );
      const sweep = start(["sweep", plan, "--out", viaRedis, ...queue]);
      await until("a fifth of the points", () => lines(viaRedis) >= 60);
      a.child.kill("SIGKILL");
      const code = await Promise.race([
        sweep.exit,
        until("the sweep", () => false, 120).catch(() => "timeout"),
      ]);
      expect(code, `${sweep.stderr()}\nworker b: ${b.stderr()}`).toBe(0);
      const text = readFileSync(viaRedis, "utf8");
      const ids = text
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).id as string);
      expect(ids).toHaveLength(300);
      expect(new Set(ids).size).toBe(300);
      expect(text).toBe(readFileSync(local, "utf8"));
      // The sweep ran the remaining points after the kill on the surviving worker.
      expect(b.child.exitCode).toBeNull();
    } finally {
      a.child.kill("SIGKILL");
      b.child.kill("SIGTERM");
      await b.exit;
    }
  }, 240_000);
});
