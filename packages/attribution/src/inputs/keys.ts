/**
 * Canonical component keys. Every parser builds keys here, so the same package read from a
 * lockfile, a CycloneDX BOM and an SPDX document lands on the same graph node.
 *
 * - npm packages: `pkg:npm/<name>@<version>` in purl form (`@scope` encoded as `%40scope`).
 * - other purls: type lowercased, qualifiers and subpath dropped, segments re-encoded.
 * - Hugging Face models: `pkg:huggingface/<namespace>/<name>` without the revision (references
 *   such as `base_model` never pin one); datasets: `dataset:huggingface/<namespace>/<name>`.
 * - repositories: `git:<host>/<path>` from a URL (scheme, user, `.git`, fragment dropped).
 * - other models and datasets: `model:<name>` / `dataset:<name>`.
 */

export type ComponentRef =
  | { npm: string; version?: string | undefined }
  | { purl: string }
  | { repository: string }
  | { model: string }
  | { dataset: string };

export interface Purl {
  type: string;
  namespace: string[];
  name: string;
  version?: string | undefined;
}

/** Types whose namespace and name are case-insensitive (purl-spec PURL-TYPES: "must be lowercased"). */
const LOWERCASE_TYPES = new Set([
  "alpm",
  "apk",
  "bitbucket",
  "composer",
  "deb",
  "github",
  "hex",
  "huggingface",
  "huggingface-dataset",
  "luarocks",
  "npm",
  "pub",
  "pypi",
  "qpkg",
]);
/** Types where only the namespace is case-insensitive. */
const LOWERCASE_NAMESPACE_TYPES = new Set(["rpm"]);

function decode(segment: string): string {
  if (segment.indexOf("%") < 0) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function encode(segment: string): string {
  // Like packageurl-js: percent-encode everything outside the unreserved set, keep ':'.
  return encodeURIComponent(segment).replaceAll("%3A", ":");
}

/** Parses a purl string; undefined when it is not one. Qualifiers and subpath are dropped. */
export function parsePurl(input: string): Purl | undefined {
  let s = input.trim();
  if (s.length < 5 || s.slice(0, 4).toLowerCase() !== "pkg:") return undefined;
  s = s.slice(4);
  while (s.startsWith("/")) s = s.slice(1);
  const hash = s.indexOf("#");
  if (hash >= 0) s = s.slice(0, hash);
  const query = s.indexOf("?");
  if (query >= 0) s = s.slice(0, query);
  const slash = s.indexOf("/");
  if (slash <= 0) return undefined;
  const type = s.slice(0, slash).toLowerCase();
  let rest = s.slice(slash + 1);
  while (rest.endsWith("/")) rest = rest.slice(0, -1);
  // The version separator is the last '@' after the last '/' (a raw '@scope' may precede it).
  const lastSlash = rest.lastIndexOf("/");
  const at = rest.lastIndexOf("@");
  let version: string | undefined;
  if (at > lastSlash && at > 0) {
    version = decode(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }
  let segments = rest
    .split("/")
    .filter((part) => part.length > 0)
    .map(decode);
  // Hugging Face ids are `org/model`; generators write the whole id as one encoded name
  // (`pkg:huggingface/org%2Fmodel`), which the Hub treats as the same repository.
  if (type === "huggingface" || type === "huggingface-dataset")
    segments = segments.flatMap((part) => part.split("/")).filter((part) => part.length > 0);
  const name = segments.pop();
  if (name === undefined || name.length === 0) return undefined;
  let namespace = segments;
  let finalName = name;
  if (LOWERCASE_TYPES.has(type)) {
    namespace = namespace.map((part) => part.toLowerCase());
    finalName = finalName.toLowerCase();
  } else if (LOWERCASE_NAMESPACE_TYPES.has(type)) namespace = namespace.map((part) => part.toLowerCase());
  if (type === "pypi") finalName = finalName.replaceAll("_", "-");
  if (type === "huggingface" && version !== undefined) version = version.toLowerCase();
  if (type === "pub") finalName = finalName.replaceAll("-", "_");
  return { type, namespace, name: finalName, version: version === "" ? undefined : version };
}

export function formatPurl(purl: Purl): string {
  const path = [...purl.namespace, purl.name].map(encode).join("/");
  return `pkg:${purl.type}/${path}${purl.version !== undefined ? `@${encode(purl.version)}` : ""}`;
}

/** Canonical form of a purl (see module comment); undefined when the string is not a purl. */
/** npm purls already in canonical form (what npm and cdx tools write for most packages). */
const CANONICAL_NPM = /^pkg:npm\/(?:%40[a-z0-9._~-]+\/)?[a-z0-9._~-]+@[A-Za-z0-9._~-]+$/;

export function normalisePurl(input: string): string | undefined {
  if (CANONICAL_NPM.test(input)) return input;
  const purl = parsePurl(input);
  if (purl === undefined) return undefined;
  return purlKey(purl);
}

/**
 * The component key of a parsed purl. Hugging Face models and datasets are keyed without their
 * revision (references such as `base_model` never pin one), so a purl, a Hub URL and a model
 * card name one node; `pkg:huggingface-dataset/…` and `pkg:huggingface/datasets/…` are datasets.
 */
function purlKey(purl: Purl): string {
  if (purl.type === "huggingface-dataset")
    return `dataset:huggingface/${[...purl.namespace, purl.name].join("/")}`;
  if (purl.type === "huggingface" && purl.namespace[0] === "datasets" && purl.namespace.length > 1)
    return `dataset:huggingface/${[...purl.namespace.slice(1), purl.name].join("/")}`;
  if (purl.type === "huggingface") return formatPurl({ ...purl, version: undefined });
  return formatPurl(purl);
}

/** `pkg:npm/...` key of an npm package name (`@scope/name` or `name`) and version. */
export function npmKey(name: string, version: string | undefined): string {
  const lower = name.trim().toLowerCase();
  const slash = lower.startsWith("@") ? lower.indexOf("/") : -1;
  const namespace = slash > 0 ? [lower.slice(0, slash)] : [];
  const bare = slash > 0 ? lower.slice(slash + 1) : lower;
  return formatPurl({ type: "npm", namespace, name: bare, version: version === "" ? undefined : version });
}

const CASE_INSENSITIVE_HOSTS = new Set([
  "github.com",
  "gitlab.com",
  "bitbucket.org",
  "codeberg.org",
  "huggingface.co",
]);
const SHORTHAND_HOSTS: Record<string, string> = {
  github: "github.com",
  gitlab: "gitlab.com",
  bitbucket: "bitbucket.org",
  gist: "gist.github.com",
};

/**
 * Normalises a repository URL to `host/path`: `git+https://github.com/Foo/Bar.git#dir`,
 * `git@github.com:foo/bar.git` and `github:foo/bar` all give `github.com/foo/bar`. Strings
 * that are not URLs (local paths, names) come back trimmed, with backslashes as slashes.
 */
export function normaliseRepositoryUrl(input: string): string {
  let s = input.trim();
  if (s.startsWith("git+")) s = s.slice(4);
  let host: string | undefined;
  let path: string;
  const scheme = s.indexOf("://");
  const colon = s.indexOf(":");
  if (scheme > 0) {
    let rest = s.slice(scheme + 3);
    const slash = rest.indexOf("/");
    let authority = slash >= 0 ? rest.slice(0, slash) : rest;
    rest = slash >= 0 ? rest.slice(slash + 1) : "";
    const at = authority.lastIndexOf("@");
    if (at >= 0) authority = authority.slice(at + 1);
    const port = authority.indexOf(":");
    if (port >= 0) authority = authority.slice(0, port);
    host = authority.toLowerCase();
    path = rest;
  } else if (colon > 0 && SHORTHAND_HOSTS[s.slice(0, colon).toLowerCase()] !== undefined) {
    host = SHORTHAND_HOSTS[s.slice(0, colon).toLowerCase()];
    path = s.slice(colon + 1);
  } else if (colon > 0 && s.indexOf("@") >= 0 && s.indexOf("@") < colon && s.indexOf("/") > colon) {
    // scp-like syntax: user@host:path
    host = s.slice(s.indexOf("@") + 1, colon).toLowerCase();
    path = s.slice(colon + 1);
  } else {
    return s.replaceAll("\\", "/").replace(/\/+$/, "");
  }
  const hash = path.indexOf("#");
  if (hash >= 0) path = path.slice(0, hash);
  const query = path.indexOf("?");
  if (query >= 0) path = path.slice(0, query);
  while (path.startsWith("/")) path = path.slice(1);
  while (path.endsWith("/")) path = path.slice(0, -1);
  if (path.endsWith(".git")) path = path.slice(0, -4);
  if (host !== undefined && host.startsWith("www.")) host = host.slice(4);
  if (host !== undefined && CASE_INSENSITIVE_HOSTS.has(host)) path = path.toLowerCase();
  return path.length > 0 ? `${host}/${path}` : (host ?? "");
}

/** The Hugging Face repository id (`namespace/name`, lowercased) in a huggingface.co URL. */
export function huggingFaceId(url: string, kind: "model" | "dataset"): string | undefined {
  const normalised = normaliseRepositoryUrl(url);
  if (!normalised.startsWith("huggingface.co/")) return undefined;
  const parts = normalised.slice("huggingface.co/".length).split("/");
  if (kind === "dataset") {
    if (parts[0] !== "datasets") return undefined;
    parts.shift();
  } else if (parts[0] === "datasets" || parts[0] === "spaces") {
    return undefined;
  }
  const [a, b] = parts;
  if (a === undefined || a.length === 0) return undefined;
  // `/org/name/tree/main` and `/name` (legacy ids without namespace) both occur.
  return b !== undefined && b.length > 0 && b !== "tree" && b !== "blob" && b !== "resolve" ? `${a}/${b}` : a;
}

function modelOrDatasetKey(kind: "model" | "dataset", id: string): string {
  const trimmed = id.trim();
  if (trimmed.toLowerCase().startsWith("pkg:")) {
    const key = normalisePurl(trimmed);
    if (key !== undefined) return key;
  }
  const fromUrl = trimmed.includes("://") ? huggingFaceId(trimmed, kind) : undefined;
  if (fromUrl !== undefined)
    return kind === "model" ? `pkg:huggingface/${fromUrl}` : `dataset:huggingface/${fromUrl}`;
  if (trimmed.includes("://")) return `${kind}:${normaliseRepositoryUrl(trimmed)}`;
  // Hugging Face ids: `namespace/name` (case-insensitive on the Hub).
  const lower = trimmed.toLowerCase();
  if (kind === "model") {
    return formatPurl({
      type: "huggingface",
      namespace: lower.split("/").slice(0, -1),
      name: lower.split("/").pop() as string,
    });
  }
  return `dataset:huggingface/${lower}`;
}

/** Component key for a model or dataset named by a Hugging Face id, URL or purl. */
export function modelKey(id: string): string {
  return modelOrDatasetKey("model", id);
}

export function datasetKey(id: string): string {
  return modelOrDatasetKey("dataset", id);
}

/** A model or dataset that is not on the Hugging Face Hub (no id, no URL): `model:<name>`. */
export function plainKey(kind: "model" | "dataset", name: string): string {
  return `${kind}:${name.trim()}`;
}

export function repositoryKey(urlOrPath: string): string {
  return `git:${normaliseRepositoryUrl(urlOrPath)}`;
}

export function componentKey(ref: ComponentRef): string {
  if ("npm" in ref) return npmKey(ref.npm, ref.version);
  if ("purl" in ref) {
    const key = normalisePurl(ref.purl);
    if (key === undefined) throw new TypeError(`not a purl: ${ref.purl}`);
    return key;
  }
  if ("repository" in ref) return repositoryKey(ref.repository);
  if ("model" in ref) return modelKey(ref.model);
  return datasetKey(ref.dataset);
}
