/**
 * SPDX 2.3 JSON documents (2.2 has the same shape and is accepted). `packages` and
 * `relationships` are walked one element at a time.
 */
import type { ComponentInfo, EdgeKind, GraphSink, InputFile, InputParser } from "./types.ts";
import { JsonReader, type JsonHead } from "./json.ts";
import { formatPurl, normalisePurl } from "./keys.ts";
import { emailIdentity, firstGitHubOwner } from "./identity.ts";
import { check, danglingError, DroppedRelationships, duplicateError, schemaError, z } from "./schema.ts";

interface ExternalRef {
  referenceType: string;
  referenceLocator: string;
}

/** The package fields read here; every other field is skipped unread. */
interface Package {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  supplier?: string;
  originator?: string;
  licenseConcluded?: string;
  licenseDeclared?: string;
  downloadLocation?: string;
  homepage?: string;
  primaryPackagePurpose?: string;
  externalRefs?: ExternalRef[];
}

interface Relationship {
  spdxElementId: string;
  relatedSpdxElement: string;
  relationshipType: string;
}

/** relationshipType -> [edge kind, direction]: "forward" = element -> related. */
const RELATIONSHIPS: Record<string, readonly [EdgeKind, "forward" | "reverse"]> = {
  DEPENDS_ON: ["runtime", "forward"],
  DEPENDENCY_OF: ["runtime", "reverse"],
  RUNTIME_DEPENDENCY_OF: ["runtime", "reverse"],
  PROVIDED_DEPENDENCY_OF: ["runtime", "reverse"],
  DEV_DEPENDENCY_OF: ["dev", "reverse"],
  TEST_DEPENDENCY_OF: ["dev", "reverse"],
  BUILD_DEPENDENCY_OF: ["dev", "reverse"],
  DEV_TOOL_OF: ["dev", "reverse"],
  BUILD_TOOL_OF: ["dev", "reverse"],
  TEST_TOOL_OF: ["dev", "reverse"],
  OPTIONAL_DEPENDENCY_OF: ["optional", "reverse"],
  HAS_PREREQUISITE: ["peer", "forward"],
  PREREQUISITE_FOR: ["peer", "reverse"],
  CONTAINS: ["contains", "forward"],
  CONTAINED_BY: ["contains", "reverse"],
  DESCENDANT_OF: ["contains", "forward"],
  ANCESTOR_OF: ["contains", "reverse"],
};

const MODEL_PURPOSES = new Set(["MODEL"]);
const DATA_PURPOSES = new Set(["DATA", "DATASET"]);

function noAssertion(value: string | undefined): boolean {
  return value === undefined || value.trim().length === 0 || value === "NOASSERTION";
}

/** `Person: Jane Doe (jane@example.org)` / `Organization: ACME (ops@acme.test)` -> identity. */
function actorIdentity(actor: string | undefined): string | undefined {
  if (noAssertion(actor)) return undefined;
  const s = actor as string;
  const lp = s.lastIndexOf("(");
  const rp = s.lastIndexOf(")");
  if (lp >= 0 && rp > lp) {
    const email = s.slice(lp + 1, rp).trim();
    if (email.includes("@")) return emailIdentity(email);
  }
  return undefined;
}

class SpdxReader {
  private readonly ids = new Map<string, string>();
  /** Where each SPDXID was declared (`packages[i]`, `files[i]`), for the duplicate error. */
  private readonly idFields = new Map<string, number>();
  /** Fields of files and snippets (id codes below 0); packages are coded by their index. */
  private readonly otherFields: string[] = [];
  /** Key -> the first package declaring it (SPDXID, field, licence), to explain merges. */
  private readonly keyFirst = new Map<string, number>();
  /** By package index (arrays of existing strings, not an object per package). */
  private readonly packageIds: string[] = [];
  private readonly packageLicenses: Array<string | undefined> = [];
  private readonly buffered: Array<{ value: Relationship; index: number }> = [];
  /** Relationships are resolved inline once every section they may name has been read: JSON
   *  members come in any order, so an entry naming an element not seen yet waits for the end. */
  private packagesDone = false;
  private elementsDone = false;
  private documentIdSeen = false;
  private readonly described: Array<{ id: string; field: string }> = [];
  /** SPDXIDs of files and snippets (`files[]`, `snippets[]`, `hasFiles`): valid elements that
   *  are not components, so relationships touching them carry no value and are skipped. */
  private readonly ignored = new Set<string>();
  private readonly dropped = new DroppedRelationships();

  constructor(
    private readonly file: InputFile,
    private readonly sink: GraphSink,
  ) {}

  run(): void {
    const path = this.file.path;
    const reader = new JsonReader(this.file);
    let version: unknown;
    let documentId = "SPDXRef-DOCUMENT";
    if (reader.kind() !== "object")
      throw schemaError(path, "(document)", "an SPDX document must be a JSON object");
    reader.object((key) => {
      switch (key) {
        case "spdxVersion":
          version = reader.readValue();
          if (version !== "SPDX-2.3" && version !== "SPDX-2.2") {
            throw schemaError(
              path,
              "spdxVersion",
              `unsupported spdxVersion ${JSON.stringify(version)} (supported: SPDX-2.3, SPDX-2.2)`,
            );
          }
          break;
        case "SPDXID":
          documentId = String(reader.readValue());
          this.documentIdSeen = true;
          break;
        case "documentDescribes": {
          const list = check(z.array(z.string()), reader.readValue(), path, "documentDescribes");
          list.forEach((id, i) => this.described.push({ id, field: `documentDescribes[${i}]` }));
          break;
        }
        case "packages":
          if (reader.kind() !== "array") throw schemaError(path, "packages", "expected an array");
          reader.array((i) => this.package(this.pullPackage(reader, i), i));
          this.packagesDone = true;
          break;
        case "files":
        case "snippets":
          // Files and snippets are not graph nodes; relationships naming them are skipped.
          if (reader.kind() !== "array") throw schemaError(path, key, "expected an array");
          reader.array((i) => {
            const element = reader.readValue() as { SPDXID?: unknown } | null;
            if (element !== null && typeof element === "object" && typeof element.SPDXID === "string") {
              this.otherFields.push(`${key}[${i}]`);
              this.declareId(element.SPDXID, `${key}[${i}]`, -this.otherFields.length);
              this.ignored.add(element.SPDXID);
            }
          });
          break;
        case "relationships":
          if (reader.kind() !== "array") throw schemaError(path, "relationships", "expected an array");
          reader.array((i) => {
            const value = this.pullRelationship(reader, i);
            const final = this.elementsDone && this.documentIdSeen;
            if (!this.packagesDone || !this.relationship(value, i, documentId, final))
              this.buffered.push({ value, index: i });
          });
          break;
        default:
          reader.skipValue();
      }
    });
    reader.end();
    if (version === undefined) throw schemaError(path, "spdxVersion", "missing spdxVersion");
    this.packagesDone = this.elementsDone = this.documentIdSeen = true;
    for (const { value, index } of this.buffered) this.relationship(value, index, documentId, true);
    this.dropped.report(this.sink, path, "relationships");
    const roots = new Set<string>();
    for (const { id, field } of this.described) {
      // A described file or snippet is not the product; the described packages are.
      if (this.ignored.has(id)) continue;
      const key = this.ids.get(id);
      if (key === undefined) throw danglingError(path, field, id);
      if (roots.has(key)) continue;
      roots.add(key);
      this.sink.root(key, { file: path, field });
    }
  }

  // ------------------------------------------------------------------ typed pulls (hot path)

  private str(r: JsonReader, base: string, suffix: string): string {
    const kind = r.kind();
    if (kind !== "string")
      throw schemaError(this.file.path, base + suffix, `expected a string, received ${kind}`);
    return r.readString();
  }

  /** One package, pulled field by field (no object tree for the fields we do not read). */
  private pullPackage(r: JsonReader, index: number): Package {
    const base = "packages";
    const at = `[${index}]`;
    if (r.kind() !== "object")
      throw schemaError(this.file.path, base + at, `expected an object, received ${r.kind()}`);
    const p: Partial<Package> = {};
    r.openObject();
    for (let k = r.nextKey(); k !== undefined; k = r.nextKey()) {
      switch (k) {
        case "SPDXID":
        case "name":
        case "versionInfo":
        case "supplier":
        case "originator":
        case "licenseConcluded":
        case "licenseDeclared":
        case "downloadLocation":
        case "homepage":
        case "primaryPackagePurpose":
          p[k] = this.str(r, base, `${at}.${k}`);
          break;
        case "hasFiles": {
          // File ids a package contains: valid elements that carry no value (see `ignored`).
          const list = check(z.array(z.string()), r.readValue(), this.file.path, `${base}${at}.hasFiles`);
          for (const id of list) this.ignored.add(id);
          break;
        }
        case "externalRefs": {
          if (r.kind() !== "array")
            throw schemaError(
              this.file.path,
              `${base}${at}.externalRefs`,
              `expected an array, received ${r.kind()}`,
            );
          const refs: ExternalRef[] = [];
          r.openArray();
          for (let i = 0; r.nextElement(); i++) {
            const where = `${at}.externalRefs[${i}]`;
            if (r.kind() !== "object")
              throw schemaError(this.file.path, base + where, `expected an object, received ${r.kind()}`);
            let referenceType: string | undefined;
            let referenceLocator: string | undefined;
            r.openObject();
            for (let rk = r.nextKey(); rk !== undefined; rk = r.nextKey()) {
              if (rk === "referenceType") referenceType = this.str(r, base, `${where}.referenceType`);
              else if (rk === "referenceLocator")
                referenceLocator = this.str(r, base, `${where}.referenceLocator`);
              else r.skipValue();
            }
            if (referenceType === undefined)
              throw schemaError(this.file.path, `${base}${where}.referenceType`, "required");
            if (referenceLocator === undefined)
              throw schemaError(this.file.path, `${base}${where}.referenceLocator`, "required");
            refs.push({ referenceType, referenceLocator });
          }
          p.externalRefs = refs;
          break;
        }
        default:
          r.skipValue();
      }
    }
    if (p.SPDXID === undefined) throw schemaError(this.file.path, `${base}${at}.SPDXID`, "required");
    if (p.name === undefined) throw schemaError(this.file.path, `${base}${at}.name`, "required");
    return p as Package;
  }

  private pullRelationship(r: JsonReader, index: number): Relationship {
    const base = "relationships";
    const at = `[${index}]`;
    if (r.kind() !== "object")
      throw schemaError(this.file.path, base + at, `expected an object, received ${r.kind()}`);
    const rel: Partial<Relationship> = {};
    r.openObject();
    for (let k = r.nextKey(); k !== undefined; k = r.nextKey()) {
      if (k === "spdxElementId" || k === "relatedSpdxElement") rel[k] = this.str(r, base, `${at}.${k}`);
      else if (k === "relationshipType") {
        if (r.kind() !== "string") this.str(r, base, `${at}.${k}`);
        rel.relationshipType = r.readInterned();
      } else r.skipValue();
    }
    for (const k of ["spdxElementId", "relatedSpdxElement", "relationshipType"] as const) {
      if (rel[k] === undefined) throw schemaError(this.file.path, `${base}${at}.${k}`, "required");
    }
    return rel as Relationship;
  }

  private package(p: Package, index: number): void {
    const path = this.file.path;
    const field = `packages[${index}]`;
    let key: string | undefined;
    let purl: string | undefined;
    for (const ref of p.externalRefs ?? []) {
      if (ref.referenceType === "purl") {
        purl = ref.referenceLocator;
        key = normalisePurl(purl);
        if (key === undefined)
          throw schemaError(path, `${field}.externalRefs`, `not a valid package URL: ${purl}`);
        break;
      }
    }
    key ??= formatPurl({
      type: "generic",
      namespace: [],
      name: p.name,
      version: noAssertion(p.versionInfo) ? undefined : p.versionInfo,
    });
    const purpose = p.primaryPackagePurpose?.toUpperCase() ?? "";
    const info: ComponentInfo = {
      kind: MODEL_PURPOSES.has(purpose) ? "model" : DATA_PURPOSES.has(purpose) ? "dataset" : "package",
      name: p.name,
    };
    if (!noAssertion(p.versionInfo)) info.version = p.versionInfo as string;
    if (purl !== undefined && key.startsWith("pkg:")) info.purl = key;
    // The concluded license is the reviewer's finding; the declared one is the author's claim.
    const license = !noAssertion(p.licenseConcluded)
      ? p.licenseConcluded
      : !noAssertion(p.licenseDeclared)
        ? p.licenseDeclared
        : undefined;
    if (license !== undefined) info.license = license;
    this.sink.component(key, info, { file: path, field });
    this.declareId(p.SPDXID, field, index);
    this.ids.set(p.SPDXID, key);
    this.packageIds[index] = p.SPDXID;
    this.packageLicenses[index] = info.license;
    const first = this.keyFirst.get(key);
    if (first === undefined) this.keyFirst.set(key, index);
    else {
      const firstLicense = this.packageLicenses[first];
      const differed =
        (firstLicense ?? "") !== (info.license ?? "")
          ? `differing: licences ${firstLicense ?? "(none)"} / ${info.license ?? "(none)"}`
          : "nothing else differs";
      this.sink.warning?.(
        `${key} is declared under two SPDXIDs ("${this.packageIds[first]}" at packages[${first}], "${p.SPDXID}" at ${field}) and merged; ${differed}`,
        { file: path, field },
      );
    }

    let declared = false;
    const seen = new Set<string>();
    for (const which of ["supplier", "originator"] as const) {
      const identity = actorIdentity(p[which]);
      if (identity === undefined || seen.has(identity)) continue;
      seen.add(identity);
      declared = true;
      this.sink.contributor(
        key,
        { identity, source: "declared" },
        { file: path, field: `${field}.${which}` },
      );
    }
    if (!declared) {
      const location = (which: "downloadLocation" | "homepage") =>
        [which, noAssertion(p[which]) ? undefined : p[which]] as const;
      const owner = firstGitHubOwner([location("downloadLocation"), location("homepage")]);
      if (owner !== undefined) {
        this.sink.contributor(
          key,
          { identity: owner.identity, source: "declared" },
          { file: path, field: `${field}.${owner.field}` },
        );
      }
    }
  }

  /** An SPDXID may be declared once per document; a second declaration names both places. */
  private declareId(id: string, field: string, code: number): void {
    const had = this.idFields.get(id);
    if (had !== undefined)
      throw duplicateError(
        this.file.path,
        field,
        id,
        had >= 0 ? `packages[${had}]` : this.otherFields[-had - 1]!,
      );
    this.idFields.set(id, code);
  }

  /**
   * One relationship. When not `final` (files, snippets or the document's SPDXID may still
   * follow), one naming an element not seen yet returns false and is read again at the end.
   */
  private relationship(r: Relationship, index: number, documentId: string, final: boolean): boolean {
    const path = this.file.path;
    const field = `relationships[${index}]`;
    if (!final && (r.relationshipType === "DESCRIBES" || r.relationshipType === "DESCRIBED_BY")) return false;
    if (r.relationshipType === "DESCRIBES" && r.spdxElementId === documentId) {
      this.described.push({ id: r.relatedSpdxElement, field: `${field}.relatedSpdxElement` });
      return true;
    }
    if (r.relationshipType === "DESCRIBED_BY" && r.relatedSpdxElement === documentId) {
      this.described.push({ id: r.spdxElementId, field: `${field}.spdxElementId` });
      return true;
    }
    const mapping = RELATIONSHIPS[r.relationshipType];
    if (mapping === undefined) return true;
    // NONE / NOASSERTION and elements of other documents cannot become edges.
    for (const id of [r.spdxElementId, r.relatedSpdxElement]) {
      if (id === "NONE" || id === "NOASSERTION" || id.startsWith("DocumentRef-") || this.ignored.has(id))
        return true;
    }
    const a = this.ids.get(r.spdxElementId);
    const b = this.ids.get(r.relatedSpdxElement);
    if ((a === undefined || b === undefined) && !final) return false;
    if (a === undefined && r.spdxElementId === documentId) return true;
    if (a === undefined) return this.dropped.drop(`${field}.spdxElementId`, r.spdxElementId);
    if (b === undefined) return this.dropped.drop(`${field}.relatedSpdxElement`, r.relatedSpdxElement);
    const [kind, direction] = mapping;
    if (a !== b) {
      if (direction === "forward") this.sink.edge(a, b, kind, { file: path, field });
      else this.sink.edge(b, a, kind, { file: path, field });
    }
    return true;
  }
}

/** Reads SPDX 2.x JSON bytes (also what the tag-value reader transcodes to). */
export function readSpdxJson(file: InputFile, sink: GraphSink): void {
  new SpdxReader(file, sink).run();
}

export const spdxParser: InputParser = {
  format: "spdx",
  detect(_file: InputFile, json: unknown): boolean {
    const head = json as JsonHead | undefined;
    const v = head instanceof Map ? head.get("spdxVersion") : undefined;
    return typeof v === "string" && v.startsWith("SPDX-");
  },
  parse(file: InputFile, _json: unknown, sink: GraphSink): void {
    new SpdxReader(file, sink).run();
  },
};

export function spdxFormat(head: JsonHead): string {
  const v = head.get("spdxVersion");
  return typeof v === "string" ? v.toLowerCase() : "spdx";
}
