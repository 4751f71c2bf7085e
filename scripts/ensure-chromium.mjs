#!/usr/bin/env node
// `npm test` pre-step: the browser tests (packages/web/test) drive Debian's Chromium
// (/usr/bin/chromium, or $SUPERNODE_CHROMIUM) through playwright-core. When it is missing this
// installs Debian's `chromium` package with apt-get — as root, or through `sudo -n` when sudo
// needs no password — and says so. When it cannot, it fails with the one command to run: the
// browser tests are never skipped silently.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";

const path = process.env.SUPERNODE_CHROMIUM ?? "/usr/bin/chromium";
const command = "apt-get install -y --no-install-recommends chromium";

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fail(reason) {
  process.stderr.write(
    `supernode: the browser tests need Chromium at ${path}, and ${reason}.\n` +
      `Install it with:\n\n    sudo ${command}\n\n` +
      "(or set SUPERNODE_CHROMIUM to a Chromium binary), then run npm test again.\n",
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

if (!executable(path)) {
  if (process.env.SUPERNODE_CHROMIUM !== undefined) fail("SUPERNODE_CHROMIUM names no executable file");
  if (process.platform !== "linux" || !existsSync("/usr/bin/apt-get"))
    fail("this is not a Debian-like system with apt-get, so it cannot be installed for you");
  const prefix = rootPrefix();
  if (prefix === undefined) fail("installing it needs root (sudo asks for a password)");
  process.stderr.write(`supernode: ${path} is missing; installing Debian's chromium for the browser tests\n`);
  try {
    run(prefix, ["apt-get", "update", "-qq"]);
    run(prefix, command.split(" "));
  } catch (error) {
    fail(`apt-get failed (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  if (!executable(path)) fail(`apt-get installed chromium but ${path} is still missing`);
  process.stderr.write(`supernode: installed ${path}\n`);
}
