/**
 * @wellspring/web, server side: where the built pages are and a request handler that serves them.
 * The pages themselves are in src/app (browser code, bundled by build.ts into dist/pages/); this file is
 * compiled by tsc into dist/index.js, so `../dist/pages/` names the bundle from either place.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PAGES = fileURLToPath(new URL("../dist/pages/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json",
};

export class WebAssetsMissingError extends Error {
  readonly code = "WEB_ASSETS_MISSING";
  constructor(dir: string) {
    super(`The web pages are not built (${dir} has no index.html): run \`npm run build -w packages/web\`.`);
    this.name = "WebAssetsMissingError";
  }
}

/** Absolute path of the built pages (index.html and assets/); throws if they were not built. */
export function webAssetsDir(dir: string = PAGES): string {
  if (!existsSync(path.join(dir, "index.html"))) throw new WebAssetsMissingError(dir);
  return dir;
}

export interface WebHandlerOptions {
  /** Directory of the built pages; default: this package's dist/pages/. */
  dir?: string;
}

type Next = (error?: unknown) => void;

/**
 * An Express-compatible handler: `GET /` (and `/index.html`) is the app, `GET /assets/<file>` its
 * scripts and styles; anything else goes to `next()`, so mount it before the API's 404 handler.
 */
export function webHandler(
  options: WebHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const dir = webAssetsDir(options.dir);
  const assets = path.join(dir, "assets");
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const url = new URL(req.url ?? "/", "http://local");
    let file: string | undefined;
    if (url.pathname === "/" || url.pathname === "/index.html") file = path.join(dir, "index.html");
    else if (url.pathname.startsWith("/assets/")) {
      const name = decodeURIComponent(url.pathname.slice("/assets/".length));
      // Flat asset folder: no separators, so no way out of it.
      if (/^[A-Za-z0-9._-]+$/.test(name) && !name.startsWith(".")) file = path.join(assets, name);
    }
    if (!file || !existsSync(file) || !statSync(file).isFile()) return next();
    res.statusCode = 200;
    res.setHeader("Content-Type", TYPES[path.extname(file)] ?? "application/octet-stream");
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (req.method === "HEAD") return void res.end();
    createReadStream(file).on("error", next).pipe(res);
  };
}
