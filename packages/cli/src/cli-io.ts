/**
 * Where a command writes and how it reports its exit status. Commands never touch
 * `process.stdout`, `process.stderr` or `process.exit`: they write to `io.stdout` / `io.stderr`
 * and set `io.exitCode`, so that the same command runs in the real process (`processIo()`) and
 * in process under test (`captureIo()`, used by test-support/run-cli.ts).
 */
import { readFileSync } from "node:fs";

export interface CliOutput {
  write(text: string): void;
  /** True only for a real terminal (progress bars, colours). */
  readonly isTTY: boolean;
}

export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** The exit status the command asks for; 0 unless a command sets it. */
  exitCode: number;
  /** All of standard input as text (read on demand). */
  readStdin(): string;
}

/** The real process's streams. */
export function processIo(): CliIo {
  return {
    stdout: {
      write: (text) => void process.stdout.write(text),
      get isTTY() {
        return process.stdout.isTTY === true;
      },
    },
    stderr: {
      write: (text) => void process.stderr.write(text),
      get isTTY() {
        return process.stderr.isTTY === true;
      },
    },
    exitCode: 0,
    readStdin: () => readFileSync(0, "utf8"),
  };
}

export interface CapturedIo extends CliIo {
  stdoutText(): string;
  stderrText(): string;
}

/** Streams that collect the text (never a terminal); `input` is standard input. */
export function captureIo(input = ""): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: { write: (text) => void out.push(text), isTTY: false },
    stderr: { write: (text) => void err.push(text), isTTY: false },
    exitCode: 0,
    readStdin: () => input,
    stdoutText: () => out.join(""),
    stderrText: () => err.join(""),
  };
}
