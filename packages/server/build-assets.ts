/**
 * Copies what tsc does not emit from src/ into dist/, at the same relative paths: the SQL migrations
 * (src/db/migrate.ts reads them next to itself) and the /docs page's files (src/http/app.ts). Run after
 * `tsc -b` by the root `npm run build`; any non-TypeScript file under src/ is copied, so a new asset
 * cannot be forgotten.
 */
import { cpSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, "src");
const dist = path.join(here, "dist");

let copied = 0;
cpSync(src, dist, {
  recursive: true,
  filter: (from) => {
    if (from.endsWith(".ts")) return false;
    if (statSync(from).isFile()) copied++;
    return true;
  },
});
console.log(`server: copied ${copied} assets into ${path.relative(process.cwd(), dist) || "."}`);
