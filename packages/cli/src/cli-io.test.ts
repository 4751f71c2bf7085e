import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cliIo = fileURLToPath(new URL("./cli-io.ts", import.meta.url));
/** Whether descriptor 1 is non-blocking (O_NONBLOCK, octal 4000 in /proc/self/fdinfo's flags), before and after processIo(). */
const probe = `
import { readFileSync } from "node:fs";
const nonblocking = () => (Number.parseInt(/flags:\\s*([0-7]+)/.exec(readFileSync("/proc/self/fdinfo/1", "utf8"))[1], 8) & 0o4000) !== 0;
process.stdout; // Node opens a pipe or socket on standard output non-blocking
const before = nonblocking();
const { processIo } = await import(${JSON.stringify(cliIo)});
processIo();
process.stderr.write(JSON.stringify({ before, after: nonblocking() }));
`;

describe.runIf(process.platform === "linux")("processIo", () => {
  it("makes a pipe on standard output blocking, so that a long synchronous write cannot queue in memory", () => {
    // A child's stdout from spawnSync is a socket pair (libuv); a shell pipe is a FIFO: both are streams libuv opens non-blocking.
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", probe], {
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stderr)).toEqual({ before: true, after: false });
  });
});
