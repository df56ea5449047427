/**
 * npm `package-lock.json` / `npm-shrinkwrap.json`, lockfileVersion 2 and 3 (the `packages` map)
 * and 1 (the nested `dependencies` tree, mapped onto the same locations).
 * Dependencies are resolved the way npm's arborist does: from the depending package's location,
 * look in its `node_modules`, then in each enclosing package's, up to the root; links point at
 * their target folder (workspaces, `file:` dependencies).
 */
import type { ComponentInfo, EdgeKind, GraphSink, InputFile, InputParser } from "./types.ts";
import { JsonReader, type JsonHead } from "./json.ts";
import { npmKey } from "./keys.ts";
import { fundingUrlIdentity } from "./identity.ts";
import { check, danglingError, joinPath, schemaError, z } from "./schema.ts";

const Funding = z.union([z.string(), z.looseObject({ url: z.string(), type: z.string().optional() })]);
const FundingField = z.union([Funding, z.array(Funding)]);
const LicenseObject = z.looseObject({ type: z.string() });
/** npm copies legacy `license`/`licenses` arrays verbatim: strings or `{type}` objects. */
const LicenseField = z.union([z.string(), LicenseObject, z.array(z.union([z.string(), LicenseObject]))]);

/**
 * A lockfile `license` as one expression. A legacy array lists alternatives the package is
 * offered under (npm's old dual-licensing form), so its entries are joined with OR.
 */
function lockfileLicense(value: z.infer<typeof LicenseField>): string | undefined {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return value.type;
  const parts = [...new Set(value.map((v) => (typeof v === "string" ? v : v.type).trim()))].filter(
    (p) => p.length > 0,
  );
  if (parts.length <= 1) return parts[0];
  return parts.map((p) => (p.includes(" ") ? `(${p})` : p)).join(" OR ");
}

type Section = "dependencies" | "optionalDependencies" | "peerDependencies" | "devDependencies";

/** The fields of a lockfile entry read here (pulled from the bytes; the rest is skipped). */
interface Entry {
  name?: string;
  version?: string;
  resolved?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  inBundle?: boolean;
  license?: string;
  funding?: z.infer<typeof FundingField>;
  /** Dependency names per section (the version ranges are not needed: the lockfile resolved them). */
  dependencies?: string[];
  optionalDependencies?: string[];
  peerDependencies?: string[];
  devDependencies?: string[];
}

const SECTIONS: ReadonlyArray<readonly [Section, EdgeKind]> = [
  ["dependencies", "runtime"],
  ["optionalDependencies", "optional"],
  ["peerDependencies", "peer"],
  ["devDependencies", "dev"],
];

/** Pulls one entry; type errors name `packages["<location>"].<field>`. */
function pullEntry(r: JsonReader, path: string, location: string): Entry {
  const entry: Entry = {};
  const kindError = (key: string, expected: string): never => {
    throw schemaError(path, field(location, key), `expected ${expected}, received ${r.kind()}`);
  };
  if (r.kind() !== "object")
    throw schemaError(path, field(location), `expected an object, received ${r.kind()}`);
  r.openObject();
  for (let key = r.nextKey(); key !== undefined; key = r.nextKey()) {
    switch (key) {
      case "name":
      case "version":
      case "resolved":
        if (r.kind() !== "string") kindError(key, "a string");
        entry[key] = r.readString();
        break;
      case "link":
      case "dev":
      case "optional":
      case "devOptional":
      case "peer":
      case "inBundle":
        if (r.kind() !== "boolean") kindError(key, "a boolean");
        entry[key] = r.readValue() as boolean;
        break;
      case "license":
        if (r.kind() === "string") entry.license = r.readInterned();
        else
          entry.license = lockfileLicense(
            check(LicenseField, r.readValue(), path, field(location, "license")),
          );
        break;
      case "funding":
        entry.funding = check(FundingField, r.readValue(), path, field(location, "funding"));
        break;
      case "dependencies":
      case "optionalDependencies":
      case "peerDependencies":
      case "devDependencies": {
        if (r.kind() !== "object") kindError(key, "an object");
        const names: string[] = [];
        r.openObject();
        for (let name = r.nextKey(); name !== undefined; name = r.nextKey()) {
          if (r.kind() !== "string")
            throw schemaError(path, field(location, key, name), `expected a string, received ${r.kind()}`);
          r.skipValue();
          names.push(name);
        }
        entry[key] = names;
        break;
      }
      default:
        r.skipValue();
    }
  }
  return entry;
}

/** The location whose node_modules is searched after `location`'s own. */
function parentLocation(location: string): string | undefined {
  if (location === "") return undefined;
  const idx = location.lastIndexOf("/node_modules/");
  if (idx >= 0) return location.slice(0, idx);
  // Top-level node_modules entries and workspace folders resolve next from the root.
  return "";
}

function nameFromLocation(location: string): string {
  const idx = location.lastIndexOf("node_modules/");
  return idx >= 0
    ? location.slice(idx + "node_modules/".length)
    : location.slice(location.lastIndexOf("/") + 1);
}

function field(location: string, ...rest: string[]): string {
  return joinPath("packages", [location, ...rest]);
}

/** One entry of a lockfile v1 `dependencies` tree (npm 5/6). */
const V1Entry = z.looseObject({
  version: z.string(),
  dev: z.boolean().optional(),
  optional: z.boolean().optional(),
  bundled: z.boolean().optional(),
  requires: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
});

/**
 * lockfileVersion 1: the nested `dependencies` tree becomes the v2 `packages` map it stands for
 * (`node_modules/a/node_modules/b`), `requires` the runtime dependencies, `bundled` inBundle.
 * v1 has no licences and does not list the root's own dependencies: the top-level entries
 * nothing requires hang off the root with their flags, as extraneous v2 entries do.
 */
function v1Entries(tree: unknown, path: string, base: string, at: string, into: Map<string, Entry>): void {
  const deps = check(z.record(z.string(), z.unknown()), tree, path, base);
  for (const [name, value] of Object.entries(deps)) {
    const where = `${base}[${JSON.stringify(name)}]`;
    const e = check(V1Entry, value, path, where);
    const location = `${at === "" ? "" : `${at}/`}node_modules/${name}`;
    const entry: Entry = { version: e.version };
    if (e.dev === true) entry.dev = true;
    if (e.optional === true) entry.optional = true;
    if (e.bundled === true) entry.inBundle = true;
    if (e.requires !== undefined) entry.dependencies = Object.keys(e.requires);
    into.set(location, entry);
    if (e.dependencies !== undefined)
      v1Entries(e.dependencies, path, `${where}.dependencies`, location, into);
  }
}

export function parseLockfile(file: InputFile, sink: GraphSink): void {
  const path = file.path;
  const reader = new JsonReader(file);
  const entries = new Map<string, Entry>();
  let version: unknown;
  let topName: string | undefined;
  let topVersion: string | undefined;
  let v1Tree: number | undefined;
  if (reader.kind() !== "object") throw schemaError(path, "(document)", "a lockfile must be a JSON object");
  reader.object((key) => {
    if (key === "lockfileVersion") version = reader.readValue();
    else if (key === "name") topName = String(reader.readValue());
    else if (key === "version") topVersion = String(reader.readValue());
    else if (key === "packages") {
      if (reader.kind() !== "object") throw schemaError(path, "packages", "expected an object");
      reader.object((location) => {
        entries.set(location, pullEntry(reader, path, location));
      });
    } else if (key === "dependencies") {
      // v1's tree (v2 repeats it beside `packages`, which is what v2/v3 are read from).
      v1Tree = reader.pos;
      reader.skipValue();
    } else reader.skipValue();
  });
  reader.end();
  if (version !== 1 && version !== 2 && version !== 3)
    throw schemaError(path, "lockfileVersion", "expected lockfileVersion 1, 2 or 3");
  if (version === 1) {
    entries.clear();
    entries.set("", {});
    if (v1Tree !== undefined) v1Entries(reader.fork(v1Tree).readValue(), path, "dependencies", "", entries);
  }
  const root = entries.get("");
  if (root === undefined)
    throw schemaError(path, field(""), `the lockfile has no root package ("" in packages)`);

  // Link targets outside node_modules (workspaces, `file:` folders) are the product's own parts.
  const ownParts = new Set<string>();
  for (const entry of entries.values())
    if (entry.link === true && entry.resolved !== undefined && !entry.resolved.includes("node_modules/"))
      ownParts.add(entry.resolved);
  // Keys: links take the key of their target folder.
  const keyOf = new Map<string, string>();
  const workspaceTargets: string[] = [];
  for (const [location, entry] of entries) {
    if (entry.link === true) continue;
    const name = entry.name ?? (location === "" ? (topName ?? "root") : nameFromLocation(location));
    const ver = entry.version ?? (location === "" ? topVersion : undefined);
    const key = npmKey(name, ver);
    keyOf.set(location, key);
    const info: ComponentInfo = { kind: location === "" ? "application" : "package", name };
    if (ver !== undefined) info.version = ver;
    info.purl = key;
    if (entry.license !== undefined && entry.license.length > 0) info.license = entry.license;
    if (location !== "" && ownParts.has(location)) info.partOfProduct = true;
    sink.component(key, info, { file: path, field: field(location) });
    if (entry.funding !== undefined) {
      const list = Array.isArray(entry.funding) ? entry.funding : [entry.funding];
      const seen = new Set<string>();
      list.forEach((f, i) => {
        const identity = fundingUrlIdentity(typeof f === "string" ? f : f.url);
        if (identity === undefined || seen.has(identity)) return;
        seen.add(identity);
        const at = Array.isArray(entry.funding)
          ? field(location, "funding", String(i))
          : field(location, "funding");
        sink.contributor(key, { identity, source: "declared" }, { file: path, field: at });
      });
    }
  }
  for (const [location, entry] of entries) {
    if (entry.link !== true) continue;
    const target = entry.resolved;
    if (target === undefined)
      throw schemaError(path, field(location, "resolved"), "a link needs the folder it points to");
    const key = keyOf.get(target);
    if (key === undefined) throw danglingError(path, field(location, "resolved"), target);
    keyOf.set(location, key);
    if (!target.includes("node_modules/")) workspaceTargets.push(target);
  }

  const rootKey = keyOf.get("") as string;
  sink.root(rootKey, { file: path, field: field("") });
  const reached = new Set<string>();
  const rootTargets = new Set<string>();
  for (const [location, entry] of entries) {
    if (entry.link === true) continue;
    const from = keyOf.get(location) as string;
    const emitted = new Set<string>();
    for (const [section, kind] of SECTIONS) {
      const deps = entry[section];
      if (deps === undefined) continue;
      for (const name of deps) {
        // A name in optionalDependencies is also listed in dependencies by some npm versions.
        if (emitted.has(name)) continue;
        if (section === "dependencies" && entry.optionalDependencies?.includes(name) === true) continue;
        let resolved: string | undefined;
        for (let at: string | undefined = location; at !== undefined; at = parentLocation(at)) {
          const candidate = `${at === "" ? "" : `${at}/`}node_modules/${name}`;
          if (entries.has(candidate)) {
            resolved = candidate;
            break;
          }
        }
        if (resolved === undefined) {
          // Optional, peer and dev dependencies may legitimately be absent from a lockfile.
          if (kind !== "runtime") continue;
          throw danglingError(path, field(location, section, name), name);
        }
        const target = entries.get(resolved) as Entry;
        const to = keyOf.get(resolved) as string;
        emitted.add(name);
        reached.add(target.link === true ? (target.resolved as string) : resolved);
        if (location === "") rootTargets.add(target.link === true ? (target.resolved as string) : resolved);
        sink.edge(from, to, kind, { file: path, field: field(location, section, name) });
      }
    }
  }
  // Workspaces are part of the product itself.
  for (const target of workspaceTargets) {
    if (rootTargets.has(target) || target === "") continue;
    reached.add(target);
    sink.edge(rootKey, keyOf.get(target) as string, "contains", { file: path, field: field("") });
  }
  // Packages nothing declares (extraneous or bundled) hang off the root with their install flags.
  for (const [location, entry] of entries) {
    if (location === "" || entry.link === true || reached.has(location)) continue;
    const kind: EdgeKind =
      entry.dev === true || entry.devOptional === true
        ? "dev"
        : entry.optional === true
          ? "optional"
          : entry.peer === true
            ? "peer"
            : "runtime";
    const parent = entry.inBundle === true ? (parentLocation(location) ?? "") : "";
    sink.edge(keyOf.get(parent) ?? rootKey, keyOf.get(location) as string, kind, {
      file: path,
      field: field(location),
    });
  }
}

export const npmLockfileParser: InputParser = {
  format: "npm-lockfile",
  detect(_file: InputFile, json: unknown): boolean {
    const head = json as JsonHead | undefined;
    return head instanceof Map && head.has("lockfileVersion");
  },
  parse(file: InputFile, _json: unknown, sink: GraphSink): void {
    parseLockfile(file, sink);
  },
};

export function lockfileFormat(head: JsonHead): string {
  const v = head.get("lockfileVersion");
  return typeof v === "number" ? `npm-lockfile-v${v}` : "npm-lockfile";
}
