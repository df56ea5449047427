/**
 * Writing evidence bundles (the format: packages/attribution/src/bundle.ts; fetching them:
 * packages/attribution/src/bundle-fetch.ts). A path ending in `.tar` is the single-file form;
 * anything else is a directory.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { encodeTar, type TarEntry } from "@wellspring/attribution";
import { OutputDir } from "./output.ts";

/** Writes a bundle atomically: a `.tar` file, or a directory (replaced only when complete). */
export function writeBundle(path: string, entries: readonly TarEntry[]): void {
  if (path.endsWith(".tar")) {
    const temp = join(dirname(path), `.${Date.now()}-${process.pid}.tar.tmp`);
    try {
      writeFileSync(temp, Buffer.concat([...encodeTar(entries)]));
      renameSync(temp, path);
    } finally {
      rmSync(temp, { force: true });
    }
    return;
  }
  const out = new OutputDir(path);
  try {
    for (const { name, bytes } of entries) {
      if (name.includes("/")) mkdirSync(join(out.temp, dirname(name)), { recursive: true });
      out.write(name, [bytes]);
    }
    out.commit();
  } catch (error) {
    out.discard();
    throw error;
  }
}
