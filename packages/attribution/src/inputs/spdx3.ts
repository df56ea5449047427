/**
 * SPDX 3.0 JSON-LD (`@context` …spdx.org/rdf/3.0…, elements in `@graph`): the Software, AI and
 * Dataset profiles. Read into one object tree (SPDX 3 documents are not the 10^6-component
 * format; CycloneDX and SPDX 2 JSON are, see docs/inputs.md).
 *
 * - `software_Package` → package, `ai_AIPackage` → model, `dataset_DatasetPackage` → dataset;
 *   key from `software_packageUrl` or a `packageUrl` external identifier, else a Hugging Face
 *   download/home URL (models, datasets), else `pkg:generic/<name>@<version>` or
 *   `model:`/`dataset:<name>`.
 * - Licences: `hasConcludedLicense`, else `hasDeclaredLicense` relationships to a
 *   `simplelicensing_LicenseExpression` (or a listed-licence IRI).
 * - People: `suppliedBy` / `originatedBy` agents with an `email` external identifier; else the
 *   GitHub owner of the download location or home page.
 * - Root: the `rootElement`s of the `SpdxDocument` (through an `software_Sbom`/`Bom` to its own).
 * - Relationships → edges (see RELATIONSHIPS); those naming files, snippets, licences, agents
 *   or imported elements are skipped; an id declared nowhere is a dangling reference.
 */
import type { ComponentInfo, ComponentKind, EdgeKind, GraphSink, InputFile, InputParser } from "./types.ts";
import { parseJson, type JsonHead } from "./json.ts";
import { datasetKey, formatPurl, huggingFaceId, modelKey, normalisePurl, plainKey } from "./keys.ts";
import { emailIdentity, firstGitHubOwner } from "./identity.ts";
import { danglingError, DroppedRelationships, duplicateError, joinLicenses, schemaError } from "./schema.ts";

type Obj = Record<string, unknown>;

const PACKAGE_KINDS: Record<string, ComponentKind> = {
  software_package: "package",
  ai_aipackage: "model",
  dataset_datasetpackage: "dataset",
};

/** relationshipType -> [edge kind, direction]; `scope` of a LifecycleScopedRelationship may
 *  turn a runtime use into a dev one. */
const RELATIONSHIPS: Record<string, readonly [EdgeKind, "forward" | "reverse"]> = {
  dependsOn: ["runtime", "forward"],
  hasProvidedDependency: ["runtime", "forward"],
  hasDynamicLink: ["runtime", "forward"],
  hasStaticLink: ["runtime", "forward"],
  hasOptionalDependency: ["optional", "forward"],
  hasOptionalComponent: ["optional", "forward"],
  hasPrerequisite: ["peer", "forward"],
  usesTool: ["dev", "forward"],
  contains: ["contains", "forward"],
  trainedOn: ["trainedOn", "forward"],
  descendantOf: ["contains", "forward"],
  ancestorOf: ["contains", "reverse"],
};
const DEV_SCOPES = new Set(["design", "development", "build", "test"]);

/** `software_Package`, `Software/Package` or a full IRI → `software_package`. */
function typeName(t: unknown): string {
  if (typeof t !== "string") return "";
  let s = t;
  const terms = s.indexOf("/terms/");
  if (terms >= 0) s = s.slice(terms + "/terms/".length);
  const parts = s.split("/");
  // `Core/Relationship` and `Relationship` are the same class.
  if (parts[0] === "Core") parts.shift();
  return parts.join("_").toLowerCase();
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
/** A reference: an id string or an inline element's id. */
const refOf = (v: unknown): string | undefined =>
  typeof v === "string" ? v : v !== null && typeof v === "object" ? idOf(v as Obj) : undefined;
const idOf = (e: Obj): string | undefined => str(e.spdxId) ?? str(e["@id"]);

export function isSpdx3(head: JsonHead | undefined): boolean {
  const context = head?.get("@context");
  return typeof context === "string" && /spdx\.org\/rdf\/3\./.test(context);
}

class Spdx3Reader {
  private readonly byId = new Map<string, { element: Obj; field: string; type: string }>();
  private readonly keys = new Map<string, string>();
  private readonly dropped = new DroppedRelationships();
  private readonly imported = new Set<string>();

  constructor(
    private readonly file: InputFile,
    private readonly sink: GraphSink,
  ) {}

  run(): void {
    const path = this.file.path;
    const doc = parseJson(this.file) as Obj;
    const graph = doc["@graph"];
    if (!Array.isArray(graph)) throw schemaError(path, "@graph", "expected an array of elements");
    // Pass 1: every element by id (ids may be used before their element appears).
    graph.forEach((e, i) => {
      const field = `@graph[${i}]`;
      if (e === null || typeof e !== "object" || Array.isArray(e))
        throw schemaError(path, field, "expected an object");
      const element = e as Obj;
      const type = typeName(element.type ?? element["@type"]);
      for (const m of list(element.import)) {
        const ext = m !== null && typeof m === "object" ? str((m as Obj).externalSpdxId) : undefined;
        if (ext !== undefined) this.imported.add(ext);
      }
      const id = idOf(element);
      if (id === undefined) return;
      const had = this.byId.get(id);
      if (had !== undefined) throw duplicateError(path, field, id, had.field);
      this.byId.set(id, { element, field, type });
    });
    // Licences by package, from relationships (concluded beats declared).
    const concluded = new Map<string, string[]>();
    const declared = new Map<string, string[]>();
    for (const { element, type } of this.byId.values()) {
      if (type !== "relationship" && type !== "lifecyclescopedrelationship") continue;
      const rt = element.relationshipType;
      if (rt !== "hasConcludedLicense" && rt !== "hasDeclaredLicense") continue;
      const from = refOf(element.from);
      if (from === undefined) continue;
      const target = rt === "hasConcludedLicense" ? concluded : declared;
      for (const to of list(element.to)) {
        const expr = this.licenseOf(refOf(to));
        if (expr !== undefined) target.set(from, [...(target.get(from) ?? []), expr]);
      }
    }
    // Pass 2: packages.
    for (const [id, { element, field, type }] of this.byId) {
      const kind = PACKAGE_KINDS[type];
      if (kind === undefined) continue;
      const license = joinLicenses(concluded.get(id) ?? declared.get(id) ?? []);
      this.package(id, element, field, kind, license);
    }
    // Pass 3: relationships and roots.
    graph.forEach((e, i) => {
      const element = e as Obj;
      const type = typeName(element.type ?? element["@type"]);
      if (type === "relationship" || type === "lifecyclescopedrelationship")
        this.relationship(element, `@graph[${i}]`);
    });
    this.dropped.report(this.sink, this.file.path, "@graph");
    const roots = new Set<string>();
    graph.forEach((e, i) => {
      const element = e as Obj;
      if (typeName(element.type ?? element["@type"]) !== "spdxdocument") return;
      this.roots(element, `@graph[${i}]`, roots, 0);
    });
  }

  private licenseOf(id: string | undefined): string | undefined {
    if (id === undefined) return undefined;
    const e = this.byId.get(id)?.element;
    if (e !== undefined) {
      const expr = str(e.simplelicensing_licenseExpression) ?? str(e.licenseExpression);
      if (expr !== undefined) return expr;
      const licenseId = str(e.spdxId)?.match(/spdx\.org\/licenses\/([^/]+)$/)?.[1];
      return licenseId ?? str(e.name);
    }
    return id.match(/spdx\.org\/licenses\/([^/]+)$/)?.[1];
  }

  private package(id: string, e: Obj, field: string, kind: ComponentKind, license: string | undefined): void {
    const path = this.file.path;
    const name = str(e.name);
    if (name === undefined) throw schemaError(path, `${field}.name`, "required");
    const version = str(e.software_packageVersion) ?? str(e.packageVersion);
    let purl = str(e.software_packageUrl) ?? str(e.packageUrl);
    list(e.externalIdentifier).forEach((x) => {
      const ext = x as Obj;
      if (purl === undefined && ext?.externalIdentifierType === "packageUrl") purl = str(ext.identifier);
    });
    const urls = [str(e.software_downloadLocation), str(e.software_homePage)].filter(
      (u): u is string => u !== undefined && u !== "NOASSERTION",
    );
    let key: string | undefined;
    if (purl !== undefined) {
      key = normalisePurl(purl);
      if (key === undefined)
        throw schemaError(path, `${field}.software_packageUrl`, `not a valid package URL: ${purl}`);
    } else if (kind === "model" || kind === "dataset") {
      const hub = urls.find((u) => huggingFaceId(u, kind) !== undefined);
      key = hub !== undefined ? (kind === "model" ? modelKey(hub) : datasetKey(hub)) : plainKey(kind, name);
    } else key = formatPurl({ type: "generic", namespace: [], name, version });
    const info: ComponentInfo = { kind, name };
    if (version !== undefined) info.version = version;
    if (purl !== undefined && key.startsWith("pkg:")) info.purl = key;
    if (license !== undefined && license !== "NOASSERTION") info.license = license;
    if (kind === "model" && urls.some((u) => huggingFaceId(u, "model") !== undefined))
      info.availability = { weights: true };
    if (kind === "dataset" && urls.length > 0) info.availability = { data: true };
    this.sink.component(key, info, { file: path, field });
    this.keys.set(id, key);

    const seen = new Set<string>();
    for (const [which, refs] of [
      ["suppliedBy", list(e.suppliedBy)],
      ["originatedBy", list(e.originatedBy)],
    ] as const) {
      refs.forEach((r, i) => {
        const agent =
          this.byId.get(refOf(r) ?? "")?.element ?? (typeof r === "object" ? (r as Obj) : undefined);
        for (const x of list(agent?.externalIdentifier)) {
          const ext = x as Obj;
          if (ext?.externalIdentifierType !== "email") continue;
          const identity = emailIdentity(String(ext.identifier ?? ""));
          if (identity === undefined || seen.has(identity)) continue;
          seen.add(identity);
          this.sink.contributor(
            key,
            { identity, source: "declared" },
            { file: path, field: `${field}.${which}[${i}]` },
          );
        }
      });
    }
    if (seen.size === 0) {
      const owner = firstGitHubOwner([
        ["software_downloadLocation", str(e.software_downloadLocation)],
        ["software_homePage", str(e.software_homePage)],
      ]);
      if (owner !== undefined) {
        this.sink.contributor(
          key,
          { identity: owner.identity, source: "declared" },
          { file: path, field: `${field}.${owner.field}` },
        );
      }
    }
  }

  /** The key of a package id; undefined for elements that are not packages (skipped). */
  private target(id: string, field: string): string | undefined {
    const key = this.keys.get(id);
    if (key !== undefined) return key;
    if (this.byId.has(id) || this.imported.has(id) || id.startsWith("http://spdx.org/licenses/"))
      return undefined;
    if (id === "NOASSERTION" || id === "NONE") return undefined;
    this.dropped.drop(field, id);
    return undefined;
  }

  private relationship(e: Obj, field: string): void {
    const type = str(e.relationshipType) ?? "";
    const mapping = RELATIONSHIPS[type];
    if (mapping === undefined) return;
    const fromId = refOf(e.from);
    if (fromId === undefined) throw schemaError(this.file.path, `${field}.from`, "required");
    const from = this.target(fromId, `${field}.from`);
    let [kind] = mapping;
    const direction = mapping[1];
    if (kind === "runtime" && DEV_SCOPES.has(String(e.scope ?? ""))) kind = "dev";
    // A model descending from a model is fine-tuned from it (as CycloneDX pedigree).
    const fromKind = this.byId.get(fromId)?.type;
    list(e.to).forEach((t, i) => {
      const toId = refOf(t);
      if (toId === undefined)
        throw schemaError(this.file.path, `${field}.to[${i}]`, "expected an element id");
      const to = this.target(toId, `${field}.to[${i}]`);
      if (from === undefined || to === undefined || from === to) return;
      let k = kind;
      if (type === "descendantOf" && fromKind === "ai_aipackage") k = "fineTunedFrom";
      if (type === "ancestorOf" && this.byId.get(toId)?.type === "ai_aipackage") k = "fineTunedFrom";
      if (direction === "forward") this.sink.edge(from, to, k, { file: this.file.path, field });
      else this.sink.edge(to, from, k, { file: this.file.path, field });
    });
  }

  /** Root packages: the document's rootElements, through an Sbom/Bom to its rootElements. */
  private roots(e: Obj, field: string, roots: Set<string>, depth: number): void {
    list(e.rootElement).forEach((r, i) => {
      const id = refOf(r);
      const at = `${field}.rootElement[${i}]`;
      if (id === undefined) throw schemaError(this.file.path, at, "expected an element id");
      const key = this.keys.get(id);
      if (key !== undefined) {
        if (!roots.has(key)) this.sink.root(key, { file: this.file.path, field: at });
        roots.add(key);
        return;
      }
      const inner = this.byId.get(id);
      if (inner === undefined) throw danglingError(this.file.path, at, id);
      if (depth < 4) this.roots(inner.element, inner.field, roots, depth + 1);
    });
  }
}

export const spdx3Parser: InputParser = {
  format: "spdx-3",
  detect(_file: InputFile, json: unknown): boolean {
    return isSpdx3(json as JsonHead | undefined);
  },
  parse(file: InputFile, _json: unknown, sink: GraphSink): void {
    new Spdx3Reader(file, sink).run();
  },
};

/** `spdx-3.0.1` from the context IRI. */
export function spdx3Format(head: JsonHead): string {
  const context = head.get("@context");
  const v = typeof context === "string" ? /rdf\/(3\.[\d.]+)\//.exec(context)?.[1] : undefined;
  return v === undefined ? "spdx-3" : `spdx-${v}`;
}
