/**
 * Where a command writes and how it reports its exit status. Commands never touch
 * `process.stdout`, `process.stderr` or `process.exit`: they write to `io.stdout` / `io.stderr`
 * and set `io.exitCode`, so that the same command runs in the real process (`processIo()`) and
 * in process under test (`captureIo()`, used by test-support/run-cli.ts).
 */
import { fstatSync, readFileSync } from "node:fs";

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

/** The real process's streams (a pipe on standard output made blocking, see `blockingPipe`). */
export function processIo(): CliIo {
  blockingPipe(process.stdout, 1);
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

/** What `blockingPipe` needs of a stream: Node's libuv handle, which pipes and terminals have. */
interface WithHandle {
  readonly _handle?: { setBlocking?: (blocking: boolean) => number } | null;
}

/**
 * Makes writes to a pipe complete before they return, as Node makes terminals (tty.WriteStream)
 * and files already are. A command such as `simulate --json` writes its output from inside one
 * synchronous run and never yields to the event loop, so a non-blocking pipe's backpressure
 * cannot act: every chunk the reader has not taken yet is queued in memory (≈ 750 MB peak at
 * 10⁶ requests piped into `cat`). Blocking, memory stays bounded by one chunk and the writer waits
 * for the reader. Pipes and sockets (a parent process's pipe is a socket pair) are changed, before
 * anything is written (libuv keeps no order between writes queued before and after the switch);
 * terminals and files are synchronous already.
 */
export function blockingPipe(stream: NodeJS.WriteStream, fd: number): void {
  let isPipe = false;
  try {
    const stat = fstatSync(fd);
    isPipe = stat.isFIFO() || stat.isSocket();
  } catch {
    return; // no such descriptor: nothing to change
  }
  if (isPipe) (stream as unknown as WithHandle)._handle?.setBlocking?.(true);
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
