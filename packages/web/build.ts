/**
 * Builds the pages into packages/web/dist/pages: index.html, assets/app.js (bundled, minified), assets/app.css
 * and the favicon. Only dist/pages is replaced: tsc compiles src/index.ts into dist/ beside it.
 */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const pages = path.join(here, "dist", "pages");

rmSync(pages, { recursive: true, force: true });
mkdirSync(path.join(pages, "assets"), { recursive: true });
await build({
  entryPoints: [path.join(here, "src", "app", "main.ts")],
  outfile: path.join(pages, "assets", "app.js"),
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
copyFileSync(path.join(here, "static", "index.html"), path.join(pages, "index.html"));
copyFileSync(path.join(here, "static", "app.css"), path.join(pages, "assets", "app.css"));
copyFileSync(path.join(here, "static", "favicon.svg"), path.join(pages, "assets", "favicon.svg"));
console.log(`web: built ${pages}`);
