/**
 * A long CPU-bound run (search, frontier) that Ctrl-C stops early with the best found so far:
 * `run` gets `shouldStop` (true once SIGINT arrived). Returns its value and the CPU seconds it
 * took, and clears the TTY progress line it may have written on stderr.
 */
import type { CliIo } from "../cli-io.ts";

export function runInterruptible<T>(
  io: CliIo,
  run: (shouldStop: () => boolean) => T,
): { value: T; cpuS: number } {
  let stop = false;
  const onSigint = () => {
    stop = true;
  };
  process.once("SIGINT", onSigint);
  const start = process.cpuUsage();
  try {
    const value = run(() => stop);
    if (io.stderr.isTTY) io.stderr.write("\r\x1b[K");
    const cpu = process.cpuUsage(start);
    return { value, cpuS: (cpu.user + cpu.system) / 1e6 };
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
