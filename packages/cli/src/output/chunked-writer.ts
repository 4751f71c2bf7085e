/**
 * Text written in chunks of about 64 KB: output of any length (millions of streamed records) in
 * bounded memory, with few system calls. `toFile` writes synchronously to a file.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { SupernodeError } from "@supernode/core";

const CHUNK_CHARS = 1 << 16;

export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly sink: (text: string) => void) {}

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    this.sink(this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }
}

/** A writer to a new file (closed by `close()`); a file that cannot be opened is a usage error naming it. */
export function fileWriter(file: string, what: string): { writer: ChunkedWriter; close(): void } {
  let fd: number;
  try {
    fd = openSync(file, "w");
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "unwritable";
    throw new SupernodeError("usage", `cannot write ${what} (${code})`, { file });
  }
  const writer = new ChunkedWriter((text) => {
    writeSync(fd, text);
  });
  return {
    writer,
    close() {
      writer.flush();
      closeSync(fd);
    },
  };
}
