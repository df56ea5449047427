/**
 * Atomic output directories: everything is written into a fresh temporary directory next to
 * `--out` and renamed into place only when complete. An existing `--out` is replaced only on
 * success; on any failure the temporary directory is removed and `--out` is left as it was.
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

export class OutputDir {
  readonly target: string;
  readonly temp: string;

  constructor(out: string) {
    this.target = resolve(out);
    const parent = dirname(this.target);
    mkdirSync(parent, { recursive: true });
    this.temp = mkdtempSync(join(parent, `.${basename(this.target)}.tmp-`));
    // mkdtemp makes the directory private; the result should have ordinary permissions.
    chmodSync(this.temp, 0o777 & ~process.umask());
  }

  /**
   * Writes chunks (strings or bytes) to a file in the temporary directory, starting at byte
   * `start` (the bytes before it are then written with `patch`).
   */
  write(name: string, chunks: Iterable<string | Uint8Array>, start = 0): void {
    const fd = openSync(join(this.temp, name), "w");
    try {
      let position = start;
      for (const chunk of chunks) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
        // writeSync may write less than asked; loop until the chunk is out.
        for (let off = 0; off < bytes.length;) {
          const written = writeSync(fd, bytes, off, bytes.length - off, position);
          off += written;
          position += written;
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Appends `text` to a file written before. */
  append(name: string, text: string): void {
    const fd = openSync(join(this.temp, name), "a");
    try {
      const bytes = Buffer.from(text, "utf8");
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    } finally {
      closeSync(fd);
    }
  }

  /** Writes `text` at byte `start` of a file written before (e.g. a header left out by `write`). */
  patch(name: string, start: number, text: string | Uint8Array): void {
    const fd = openSync(join(this.temp, name), "r+");
    try {
      const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
      for (let off = 0; off < bytes.length;)
        off += writeSync(fd, bytes, off, bytes.length - off, start + off);
    } finally {
      closeSync(fd);
    }
  }

  /** Moves the finished directory into place. */
  commit(): void {
    let old: string | undefined;
    if (existsSync(this.target)) {
      old = `${this.temp}.old`;
      renameSync(this.target, old);
    }
    try {
      renameSync(this.temp, this.target);
    } catch (error) {
      if (old !== undefined) renameSync(old, this.target);
      throw error;
    }
    if (old !== undefined) rmSync(old, { recursive: true, force: true });
  }

  discard(): void {
    rmSync(this.temp, { recursive: true, force: true });
  }
}
