/**
 * Turns `--input` arguments into InputFiles. This is where the I/O lives: reading files,
 * scanning directories, running `git log`, walking node_modules. The engine only sees bytes.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import {
  detectFormat,
  GIT_LOG_ARGS,
  gitLogHeader,
  inputFile,
  npmKey,
  type InputFile,
} from "@wellspring/attribution/inputs";
import { WellspringError } from "@wellspring/attribution";
import type { Progress } from "./progress.ts";

export interface CollectedInputs {
  files: InputFile[];
  /** Component each funding manifest / git history belongs to, by input path. */
  subjects: Map<string, string>;
}

export interface CollectOptions {
  /** Component a repository's history is the source of (overrides package.json discovery). */
  sourceOf?: string | undefined;
  /** Read installed node_modules manifests in directory inputs (default true). */
  nodeModules?: boolean;
  progress?: Progress | undefined;
  cwd?: string;
}

/** File names a directory scan picks up (besides `.git` and `node_modules`). */
const KNOWN_NAMES = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "package.json",
  "funding.json",
  "FUNDING.json",
  "bom.json",
  "sbom.json",
  "bom.xml",
  "README.md",
]);
const KNOWN_SUFFIXES = [
  ".cdx.json",
  ".bom.json",
  ".spdx.json",
  ".sbom.json",
  ".cdx.xml",
  ".bom.xml",
  ".spdx",
  ".spdx3.json",
  ".gitlog",
  ".resolution.json",
];

function isKnownName(name: string): boolean {
  return KNOWN_NAMES.has(name) || KNOWN_SUFFIXES.some((s) => name.endsWith(s));
}

/** Paths as recorded in the table: relative to the working directory, with forward slashes. */
function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  const shown = rel === "" ? "." : rel.startsWith("..") ? path : rel;
  return shown.split(sep).join("/");
}

function readBytes(path: string, shown: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new WellspringError(
      "INPUT_UNREADABLE",
      `cannot read input: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        file: shown,
        cause: error,
      },
    );
  }
}

function packageKeyOf(dir: string, shown: string): string | undefined {
  const path = join(dir, "package.json");
  if (!existsSync(path)) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(path, "utf8")) as { name?: unknown; version?: unknown };
    if (typeof pkg.name !== "string") return undefined;
    return npmKey(pkg.name, typeof pkg.version === "string" ? pkg.version : undefined);
  } catch {
    // The parser reports a broken package.json with line and column when it reads the file.
    void shown;
    return undefined;
  }
}

function gitOutput(dir: string, args: readonly string[], shown: string): Buffer {
  try {
    return execFileSync("git", [...args], {
      cwd: dir,
      maxBuffer: 1 << 30,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new WellspringError("INPUT_UNREADABLE", "cannot read the git history", {
      file: shown,
      details: stderr !== undefined && stderr.length > 0 ? stderr : (error as Error).message,
      cause: error,
    });
  }
}

/** The repository's `origin` URL, or undefined when it has none. */
function originUrl(dir: string): string | undefined {
  try {
    const url = execFileSync("git", ["config", "--get", "remote.origin.url"], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return url.length > 0 ? url : undefined;
  } catch {
    return undefined;
  }
}

/** False for a repository without commits yet (git log would fail): it has no history to read. */
function hasCommits(dir: string): boolean {
  try {
    execFileSync("git", ["rev-parse", "--verify", "--quiet", "HEAD"], { cwd: dir, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `git log` of a work tree, with a header naming the repository and what it is the source of. */
export function gitHistoryInput(dir: string, shown: string, sourceOf: string | undefined): InputFile {
  const repository = originUrl(dir) ?? basename(resolve(dir));
  const header = gitLogHeader({ repository, sourceOf });
  const log = gitOutput(dir, GIT_LOG_ARGS, shown);
  const bytes = Buffer.concat([Buffer.from(header, "utf8"), log]);
  return inputFile(shown === "." ? ".git" : `${shown}/.git`, bytes);
}

/** Every installed package.json under node_modules (nested ones too), in sorted order. */
export function installedManifests(nodeModules: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const full = join(dir, entry.name);
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
      if (entry.name.startsWith("@")) {
        walk(full);
        continue;
      }
      // Workspace links point back into the project: their manifests are read as the project's.
      if (entry.isSymbolicLink()) continue;
      const manifest = join(full, "package.json");
      if (existsSync(manifest)) out.push(manifest);
      const nested = join(full, "node_modules");
      if (existsSync(nested)) walk(nested);
    }
  };
  walk(nodeModules);
  return out;
}

function scanDirectory(dir: string, shownDir: string, options: CollectOptions, into: CollectedInputs): void {
  const cwd = options.cwd ?? process.cwd();
  const names = readdirSync(dir).sort();
  const subject = options.sourceOf ?? packageKeyOf(dir, shownDir);
  let found = 0;
  for (const name of names) {
    if (!isKnownName(name)) continue;
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const shown = displayPath(cwd, path);
    const bytes = readBytes(path, shown);
    const file = inputFile(shown, bytes);
    // A README counts only when it is a model card; other Markdown is not an input.
    if (name === "README.md" && detectFormat(file) === undefined) continue;
    into.files.push(file);
    if (
      (name === "funding.json" || name === "FUNDING.json" || name.endsWith(".gitlog")) &&
      subject !== undefined
    )
      into.subjects.set(shown, subject);
    found++;
  }
  if (existsSync(join(dir, ".git")) && hasCommits(dir)) {
    const file = gitHistoryInput(dir, shownDir, subject);
    into.files.push(file);
    found++;
  }
  const nodeModules = join(dir, "node_modules");
  if (options.nodeModules !== false && existsSync(nodeModules)) {
    const manifests = installedManifests(nodeModules);
    options.progress?.start("reading node_modules", manifests.length);
    for (const manifest of manifests) {
      const shown = displayPath(cwd, manifest);
      into.files.push(inputFile(shown, readBytes(manifest, shown)));
      options.progress?.tick();
    }
    options.progress?.done();
    found += manifests.length;
  }
  if (found === 0) {
    throw new WellspringError("INPUT_UNKNOWN_FORMAT", "the directory holds no recognised input", {
      file: shownDir,
      details:
        "looked for package-lock.json, package.json, *.cdx.json, *.cdx.xml, *.spdx.json, *.spdx, bom.json, bom.xml, funding.json, FUNDING.json, *.gitlog, a model-card README.md, .git and node_modules",
    });
  }
}

export function collectInputs(inputs: readonly string[], options: CollectOptions = {}): CollectedInputs {
  const cwd = options.cwd ?? process.cwd();
  const into: CollectedInputs = { files: [], subjects: new Map() };
  for (const input of inputs) {
    const path = resolve(cwd, input);
    const shown = displayPath(cwd, path);
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      throw new WellspringError(
        "INPUT_UNREADABLE",
        `cannot read input: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
        { file: shown, cause: error },
      );
    }
    if (stat.isDirectory()) scanDirectory(path, shown, options, into);
    else {
      into.files.push(inputFile(shown, readBytes(path, shown)));
      if (
        options.sourceOf !== undefined &&
        (input.endsWith(".gitlog") || basename(input).toLowerCase() === "funding.json")
      )
        into.subjects.set(shown, options.sourceOf);
    }
  }
  // The same file named twice (e.g. a directory and a file in it) is read once.
  const seen = new Set<string>();
  into.files = into.files.filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true)));
  return into;
}
