/** Builds the pages into packages/web/dist: index.html, assets/app.js (bundled, minified), assets/app.css and the favicon. */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "dist");

rmSync(dist, { recursive: true, force: true });
mkdirSync(path.join(dist, "assets"), { recursive: true });
await build({
  entryPoints: [path.join(here, "src", "app", "main.ts")],
  outfile: path.join(dist, "assets", "app.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  // @wellspring/* from their TypeScript sources, as in the rest of the repository (docs/packages.md);
  // "module" is esbuild's default condition, dropped when conditions are given.
  conditions: ["wellspring-source", "module"],
  target: ["es2022"],
  minify: true,
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync(path.join(here, "static", "index.html"), path.join(dist, "index.html"));
copyFileSync(path.join(here, "static", "app.css"), path.join(dist, "assets", "app.css"));
copyFileSync(path.join(here, "static", "favicon.svg"), path.join(dist, "assets", "favicon.svg"));
console.log(`web: built ${dist}`);
