#!/usr/bin/env node
// The `wellspring` command. Installed, `#main` is the built dist/main.js. In the repository, where
// Node runs with --conditions=wellspring-source (see docs/packages.md), it is src/main.ts, loaded
// through tsx, so that no build step is needed there.
const main = import.meta.resolve("#main");
if (main.endsWith(".ts")) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(main);
