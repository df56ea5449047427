import { createHash } from "node:crypto";
import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Hex } from "viem";
import type { TrustedCopy } from "../repositories/bindings.ts";
import { MANIFEST_FILE_NAMES, MAX_MANIFEST_BYTES } from "./verifier.ts";

/*
 * The consortium's own path (kept for consortium-run attestors): a submitted manifest counts when
 * a byte-identical copy is among the manifests it already trusts: run inputs (BindingRepository)
 * and the directories below.
 */

/** A source of manifests the attestor trusts, looked up by the sha256 of the exact bytes. */
export interface TrustedManifestSource {
  find(sha256: Hex): Promise<TrustedCopy[]>;
}

const MANIFEST_NAMES = new Set<string>(MANIFEST_FILE_NAMES);

/**
 * Funding manifests under local directories (e.g. a vendored node_modules tree or a mirror of
 * the maintainers' repositories), indexed by sha256. Files named `funding.json` or `FUNDING.json`
 * are indexed (package.json carries no payout address); symbolic links are not followed. The
 * index is rebuilt when older than `refreshMs`.
 */
export class DirectoryManifestSource implements TrustedManifestSource {
  private index: Promise<Map<string, string[]>> | undefined;
  private builtAt = 0;

  constructor(
    private readonly dirs: readonly string[],
    private readonly refreshMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async find(sha256: Hex): Promise<TrustedCopy[]> {
    if (!this.index || this.now() - this.builtAt > this.refreshMs) {
      this.builtAt = this.now();
      this.index = this.build();
      this.index.catch(() => (this.index = undefined));
    }
    const paths = (await this.index).get(sha256.toLowerCase()) ?? [];
    return paths.map((path) => ({ source: `file:${path}` }));
  }

  private async build(): Promise<Map<string, string[]>> {
    const index = new Map<string, string[]>();
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return; // A missing or unreadable directory holds no trusted manifest.
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile() && MANIFEST_NAMES.has(entry.name)) {
          const stat = await lstat(path);
          if (stat.size > MAX_MANIFEST_BYTES) continue;
          const hash = `0x${createHash("sha256")
            .update(await readFile(path))
            .digest("hex")}`;
          index.set(hash, [...(index.get(hash) ?? []), path]);
        }
      }
    };
    for (const dir of this.dirs) await walk(dir);
    return index;
  }
}
