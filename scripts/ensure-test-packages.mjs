#!/usr/bin/env node
// `npm test` pre-step: the Debian packages the test suite drives.
// - Chromium (/usr/bin/chromium, or $SUPERNODE_CHROMIUM) for the browser tests (packages/web/test),
//   through playwright-core.
// - redis-server for the Redis sweep tests (packages/cli/src/sweep/sweep-redis.test.ts), started on a
//   free loopback port.
// What is missing is installed with one apt-get call — as root, or through `sudo -n` when sudo needs
// no password — and said so. When that cannot be done it fails with the one command to run: no test
// is ever skipped silently.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";

const chromiumPath = process.env.SUPERNODE_CHROMIUM ?? "/usr/bin/chromium";

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const packages = [
  {
    name: "chromium",
    need: `the browser tests need Chromium at ${chromiumPath}`,
    hint: "(or set SUPERNODE_CHROMIUM to a Chromium binary), ",
    present: () => executable(chromiumPath),
  },
  {
    name: "redis-server",
    need: "the Redis sweep tests need redis-server",
    hint: "",
    present: () => spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0,
  },
];

const missing = packages.filter((p) => !p.present());
const command = `apt-get install -y --no-install-recommends ${missing.map((p) => p.name).join(" ")}`;

function fail(reason) {
  const needs = missing.map((p) => p.need).join("; ");
  const hints = missing.map((p) => p.hint).join("");
  process.stderr.write(
    `supernode: ${needs}, and ${reason}.\nInstall with:\n\n    sudo ${command}\n\n${hints}then run npm test again.\n`,
  );
  process.exit(1);
}

/** The prefix that runs apt-get as root here: [] as root, ["sudo", "-n"] with password-less sudo. */
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

if (missing.length > 0) {
  if (missing.some((p) => p.name === "chromium") && process.env.SUPERNODE_CHROMIUM !== undefined)
    fail("SUPERNODE_CHROMIUM names no executable file");
  if (process.platform !== "linux" || !existsSync("/usr/bin/apt-get"))
    fail("this is not a Debian-like system with apt-get, so it cannot be installed for you");
  const prefix = rootPrefix();
  if (prefix === undefined) fail("installing needs root (sudo asks for a password)");
  process.stderr.write(
    `supernode: missing for the tests: ${missing.map((p) => p.name).join(", ")}; installing\n`,
  );
  try {
    run(prefix, ["apt-get", "update", "-qq"]);
    run(prefix, command.split(" "));
  } catch (error) {
    fail(`apt-get failed (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  const still = missing.filter((p) => !p.present());
  if (still.length > 0) fail(`apt-get ran but ${still.map((p) => p.name).join(", ")} still cannot be run`);
  process.stderr.write(`supernode: installed ${missing.map((p) => p.name).join(", ")}\n`);
}
