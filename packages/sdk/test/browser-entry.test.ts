import assert from "node:assert/strict";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { type Plugin, build } from "esbuild";

const src = fileURLToPath(new URL("../src/", import.meta.url));
const builtins = new Set(builtinModules);

/** Bundles an entry as the web pages do and lists every Node built-in it imports, with the importer. */
async function nodeImports(entry: string): Promise<string[]> {
  const found: string[] = [];
  const recordNodeImports: Plugin = {
    name: "record-node-imports",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.replace(/^node:/, "").split("/")[0]!;
        if (!args.path.startsWith("node:") && !builtins.has(bare)) return undefined;
        found.push(`${args.path} (from ${path.relative(src, args.importer)})`);
        return { path: args.path, external: true };
      });
    },
  };
  await build({
    entryPoints: [path.join(src, entry)],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    // @wellspring/* from their TypeScript sources, as in the rest of the repository (docs/packages.md);
    // "module" is esbuild's default condition, dropped when conditions are given.
    conditions: ["wellspring-source", "module"],
    target: ["es2022"],
    logLevel: "silent",
    plugins: [recordNodeImports],
  });
  return found;
}

describe("@wellspring/sdk in the browser", () => {
  it("the main entry bundles with platform browser and imports no Node built-in", async () => {
    assert.deepEqual(await nodeImports("index.ts"), []);
  });

  it("the /node subpath is where the file reading went (the check above can fail)", async () => {
    const found = await nodeImports("node.ts");
    assert.ok(
      found.some((f) => f.startsWith("node:fs/promises")),
      found.join("; "),
    );
  });
});
