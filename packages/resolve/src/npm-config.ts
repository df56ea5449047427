/**
 * The npm registry as npm itself would pick it: `npm_config_registry` in the environment, else
 * the project's `.npmrc` (the directory given, up to the filesystem root), else the user's
 * (`NPM_CONFIG_USERCONFIG` or `~/.npmrc`), else npm's default. Scoped registries
 * (`@scope:registry=…`) are honoured per package. `${VAR}` in values is expanded as npm does.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** npm's built-in default, used only when no configuration names a registry. */
export const NPM_DEFAULT_REGISTRY = "https://registry.npmjs.org/";

export interface NpmRegistries {
  /** The default registry, ending in "/". */
  registry: string;
  /** `@scope` -> registry, ending in "/". */
  scopes: Record<string, string>;
  /** Where the default registry came from (for the summary). */
  from: string;
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/** Parses .npmrc text into key -> value (ini without sections, `;`/`#` comments). */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0])
      value = value.slice(1, -1);
    value = value.replace(/\$\{([^}]+)\}/g, (_, name: string) => env[name] ?? "");
    out.set(key, value);
  }
  return out;
}

function projectNpmrc(cwd: string): string | undefined {
  let dir = cwd;
  for (;;) {
    const candidate = join(dir, ".npmrc");
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function npmRegistries(
  options: { cwd?: string; env?: NodeJS.ProcessEnv; home?: string } = {},
): NpmRegistries {
  const env = options.env ?? process.env;
  const files: string[] = [];
  const project = projectNpmrc(options.cwd ?? process.cwd());
  const user =
    env.NPM_CONFIG_USERCONFIG ?? env.npm_config_userconfig ?? join(options.home ?? homedir(), ".npmrc");
  if (project !== undefined) files.push(project);
  if (user !== project) files.push(user);
  let registry: string | undefined;
  let from = "npm default";
  const scopes: Record<string, string> = {};
  // Lower layers first, so a higher layer overwrites.
  for (const file of files.reverse()) {
    if (!existsSync(file)) continue;
    const config = parseNpmrc(readFileSync(file, "utf8"), env);
    for (const [key, value] of config) {
      if (key === "registry" && value !== "") {
        registry = withSlash(value);
        from = file;
      } else if (/^@[^:]+:registry$/.test(key) && value !== "")
        scopes[key.slice(0, key.indexOf(":"))] = withSlash(value);
    }
  }
  const fromEnv = env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY;
  if (fromEnv !== undefined && fromEnv !== "") {
    registry = withSlash(fromEnv);
    from = "npm_config_registry";
  }
  return { registry: registry ?? NPM_DEFAULT_REGISTRY, scopes, from };
}

/** The registry serving a package name under this configuration. */
export function registryFor(config: NpmRegistries, name: string): string {
  if (name.startsWith("@")) {
    const scope = name.slice(0, name.indexOf("/"));
    const scoped = config.scopes[scope];
    if (scoped !== undefined) return scoped;
  }
  return config.registry;
}
