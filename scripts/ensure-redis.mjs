#!/usr/bin/env node
// `npm test` pre-step: the Redis sweep tests (packages/cli/src/sweep/sweep-redis.test.ts) start
// Debian's `redis-server` on a free loopback port. When it is missing this installs the Debian
// package with apt-get — as root, or through `sudo -n` when sudo needs no password — and says so.
// When it cannot, it fails with the one command to run: the tests are never skipped silently.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const command = "apt-get install -y --no-install-recommends redis-server";

function fail(reason) {
  process.stderr.write(
    `supernode: the Redis sweep tests need redis-server, and ${reason}.\n` +
      `Install it with:\n\n    sudo ${command}\n\nthen run npm test again.\n`,
  );
  process.exit(1);
}

const present = () => spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;

function rootPrefix() {
  if (process.getuid?.() === 0) return [];
  const sudo = spawnSync("sudo", ["-n", "true"], { stdio: "ignore" });
  return sudo.status === 0 ? ["sudo", "-n"] : undefined;
}

function run(prefix, args) {
  const [file, ...rest] = [...prefix, ...args];
  process.stderr.write(`supernode: running ${[file, ...rest].join(" ")}\n`);
  execFileSync(file, rest, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

if (!present()) {
  if (process.platform !== "linux" || !existsSync("/usr/bin/apt-get"))
    fail("this is not a Debian-like system with apt-get, so it cannot be installed for you");
  const prefix = rootPrefix();
  if (prefix === undefined) fail("installing it needs root (sudo asks for a password)");
  process.stderr.write(
    "supernode: redis-server is missing; installing Debian's redis-server for the sweep tests\n",
  );
  try {
    run(prefix, ["apt-get", "update", "-qq"]);
    run(prefix, command.split(" "));
  } catch (error) {
    fail(`apt-get failed (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  if (!present()) fail("apt-get installed redis-server but it still does not run");
  process.stderr.write("supernode: installed redis-server\n");
}
