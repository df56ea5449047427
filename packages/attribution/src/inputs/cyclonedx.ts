/**
 * CycloneDX 1.4–1.6 JSON, including ML-BOM models (`machine-learning-model`), datasets (`data`)
 * and `modelCard`. Components and dependencies are pulled field by field from the bytes (see
 * json.ts): a BOM of 10^6 components never becomes an object tree, and only the fields read
 * here become strings. Types are checked as they are read, with the field path in the error;
 * the rare nested structures (`modelCard`, `data`) are materialised and checked with zod.
 */
import type {
  ComponentInfo,
  ComponentKind,
  EdgeKind,
  GraphSink,
  InputFile,
  InputParser,
  SourceRef,
} from "./types.ts";
import { CONTAINER, JsonReader, StringTable, type JsonHead } from "./json.ts";
import {
  datasetKey,
  formatPurl,
  huggingFaceId,
  modelKey,
  normalisePurl,
  normaliseRepositoryUrl,
  parsePurl,
  plainKey,
} from "./keys.ts";
import { gitHubOwnerIdentity, personIdentity, parsePersonString, type Person } from "./identity.ts";
import {
  check,
  danglingError,
  directContext,
  duplicateError,
  joinLicenses,
  licenseRef,
  optOutProperty,
  ROOT_SUBJECT,
  schemaError,
  textHasOptOut,
  z,
  type ParseContext,
} from "./schema.ts";

/** Every CycloneDX version (JSON exists from 1.2; 1.0 and 1.1 documents are XML only). */
const SUPPORTED = new Set(["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]);

const DataRef = z.looseObject({
  ref: z.string().optional(),
  type: z.string().optional(),
  name: z.string().optional(),
  contents: z.looseObject({ url: z.string().optional() }).optional(),
});
type DataRefT = z.infer<typeof DataRef>;
const ModelCardSchema = z.looseObject({
  modelParameters: z.looseObject({ datasets: z.array(DataRef).optional() }).optional(),
});
const DataListSchema = z.array(DataRef);

/** What one component says, as pulled from the bytes. */
interface Component {
  type?: string | undefined;
  name?: string | undefined;
  ref?: string | undefined;
  group?: string | undefined;
  version?: string | undefined;
  purl?: string | undefined;
  scope?: string | undefined;
  licenses: string[];
  licenseOptOut: boolean;
  people: Person[];
  properties: Array<{ name: string; value: string | undefined; index: number }>;
  externalReferences: Array<{ type: string; url: string }>;
  datasets: DataRefT[] | undefined;
  data: DataRefT[] | undefined;
  /** `alg:content` of each hash, sorted and joined (compared when one key has two bom-refs). */
  hashes: string;
  /** Byte offsets of `components` (`services` for a service) and `pedigree.ancestors` arrays,
   *  walked after the parent. */
  nested: number | undefined;
  ancestors: number | undefined;
}

/** A reference that can only be resolved once every bom-ref is known. */
interface PendingRef {
  from: string;
  ref: string;
  kind: EdgeKind;
  field: string;
  /** For base models named by id rather than bom-ref: the key to use when no bom-ref matches. */
  fallbackKey?: string | undefined;
}

/** `base[index]suffix` (or `base + suffix` without an index), built only for error messages. */
function fieldAt(base: string, suffix: string, index: number): string {
  return index >= 0 ? `${base}[${index}]${suffix}` : base + suffix;
}

function isBaseModelProperty(name: string): boolean {
  const n = name.trim().toLowerCase();
  const tail = n.slice(n.lastIndexOf(":") + 1);
  return tail === "base_model" || tail === "base-model" || tail === "basemodel" || tail === "base_model_name";
}

class CycloneDxReader {
  private readonly path: string;
  /** bom-ref -> component key, probed with raw bytes while reading dependencies. */
  private readonly refs = new StringTable<number>();
  /** By the index `refs` gives: the component key, and the sink's id for it (-1: no ids). */
  private readonly refKeys: string[] = [];
  private readonly refIds: number[] = [];
  /** Keys flagged development-only / optional (they set the kinds of the root's edges). */
  private readonly devKeys = new Set<string>();
  private readonly optionalKeys = new Set<string>();
  private readonly pending: PendingRef[] = [];
  /** Dependencies read before `components`: their byte offsets, read again afterwards. */
  private readonly bufferedDeps: Array<{ pos: number; index: number }> = [];
  private depsSource: SourceRef | undefined;
  /** Scratch list of one entry's targets (dependency() is not re-entrant). */
  private readonly targets: number[] = [];
  /** Dependencies are resolved inline once every section they may name has been read. */
  private componentsDone = false;
  private metadataDone = false;
  private servicesDone = false;
  /** Where each bom-ref was declared (for the duplicate error), by the index `refs` gives. */
  private readonly refFields: number[] = [];
  /** Key -> first declaration in this file (licence, hashes, field), to explain merges. */
  private readonly keyFirst = new StringTable<number>();
  /** The same by the sink's component id when it offers ids (no second hash of each key):
   *  index + 1, 0 for a key not declared in this file yet. */
  private firstBySinkId = new Int32Array(0);
  /** By the index `keyFirst` gives: where the first declaration starts (byte offset × 2, + 1
   *  for a service) and its field (fieldCode); re-read only when a key is declared again. */
  private readonly firstAt: number[] = [];
  private readonly firstField: number[] = [];
  /** Fields other than `components[i]` (nested, metadata, services), by -code - 1. */
  private readonly otherFields: string[] = [];
  private rootKey: string | undefined;
  private topLevelCount = 0;
  private firstTopLevelKey: string | undefined;

  constructor(
    private readonly file: InputFile,
    private readonly sink: GraphSink,
    private readonly ctx: ParseContext,
  ) {
    this.path = file.path;
  }

  private src(field: string): SourceRef {
    return { file: this.path, field };
  }

  // ------------------------------------------------------------------ typed pulls

  // The field path is passed in two parts and joined only for an error: no string per read.
  private str(r: JsonReader, base: string, suffix = "", index = -1): string {
    const kind = r.kind();
    if (kind !== "string")
      throw schemaError(this.path, fieldAt(base, suffix, index), `expected a string, received ${kind}`);
    return r.readString();
  }

  /** A string field whose values repeat across components (type, version, scope, license id). */
  private common(r: JsonReader, base: string, suffix: string, index = -1): string {
    const kind = r.kind();
    if (kind !== "string")
      throw schemaError(this.path, fieldAt(base, suffix, index), `expected a string, received ${kind}`);
    return r.readInterned();
  }

  private expect(r: JsonReader, kind: "object" | "array", base: string, suffix = "", index = -1): void {
    const got = r.kind();
    if (got !== kind)
      throw schemaError(this.path, fieldAt(base, suffix, index), `expected an ${kind}, received ${got}`);
  }

  // ------------------------------------------------------------------ document

  run(): void {
    const r = new JsonReader(this.file);
    let sawFormat = false;
    if (r.kind() !== "object")
      throw schemaError(this.path, "(document)", "a CycloneDX BOM must be a JSON object");
    r.object((key) => {
      switch (key) {
        case "bomFormat":
          if (r.readValue() !== "CycloneDX")
            throw schemaError(this.path, "bomFormat", `expected "CycloneDX"`);
          sawFormat = true;
          break;
        case "specVersion": {
          const v = r.readValue();
          if (typeof v !== "string" || !SUPPORTED.has(v)) {
            throw schemaError(
              this.path,
              "specVersion",
              `unsupported CycloneDX specVersion ${JSON.stringify(v)} (supported: 1.4, 1.5, 1.6)`,
            );
          }
          break;
        }
        case "metadata":
          // The root must be known before dependencies are resolved against it.
          this.expect(r, "object", "metadata");
          r.object((mkey) => {
            if (mkey !== "component") return r.skipValue();
            this.expect(r, "object", "metadata.component");
            const key = this.component(r, "metadata.component", undefined, true);
            this.rootKey = key;
            this.sink.root(key, this.src("metadata.component"));
          });
          this.metadataDone = true;
          break;
        case "components":
          this.expect(r, "array", "components");
          r.array((i) => {
            const key = this.component(r, `components[${i}]`, undefined);
            this.topLevelCount++;
            if (i === 0) this.firstTopLevelKey = key;
          });
          this.componentsDone = true;
          break;
        case "services":
          this.expect(r, "array", "services");
          r.array((i) => this.service(r, `services[${i}]`, undefined));
          this.servicesDone = true;
          break;
        case "dependencies":
          this.expect(r, "array", "dependencies");
          r.array((i) => {
            // Dependencies name bom-refs and take their kinds from the root: JSON members come
            // in any order, so an entry is read here only once `metadata` and `components`
            // are; otherwise (or when it names a ref not seen yet) it is read again at the end.
            const pos = r.pos;
            if (!this.componentsDone || !this.metadataDone) {
              this.bufferedDeps.push({ pos, index: i });
              r.skipValue();
            } else if (!this.dependency(r, i, this.servicesDone)) this.bufferedDeps.push({ pos, index: i });
          });
          break;
        default:
          r.skipValue();
      }
    });
    r.end();
    if (!sawFormat) throw schemaError(this.path, "bomFormat", `missing "bomFormat": "CycloneDX"`);
    this.componentsDone = this.metadataDone = this.servicesDone = true;
    for (const d of this.bufferedDeps) this.dependency(r.fork(d.pos), d.index, true);
    this.bufferedDeps.length = 0;
    for (const p of this.pending) {
      const at = this.refs.get(p.ref);
      let to = at === undefined ? undefined : this.refKeys[at];
      if (to === undefined && p.fallbackKey !== undefined) {
        // A base model named by its Hub id rather than a bom-ref: declare it here.
        to = p.fallbackKey;
        this.sink.component(to, { kind: "model", name: p.ref }, this.src(p.field));
      }
      if (to === undefined) throw danglingError(this.path, p.field, p.ref);
      this.sink.edge(p.from, to, p.kind, this.src(p.field));
    }
    if (this.rootKey === undefined && this.topLevelCount === 1 && this.firstTopLevelKey !== undefined) {
      this.ctx.proposeRoot(this.firstTopLevelKey, this.src("components[0]"), ROOT_SUBJECT);
    }
  }

  // ------------------------------------------------------------------ one component

  private pull(r: JsonReader, field: string, service = false): Component {
    const c: Component = {
      hashes: "",
      licenses: [],
      licenseOptOut: false,
      people: [],
      properties: [],
      externalReferences: [],
      datasets: undefined,
      data: undefined,
      nested: undefined,
      ancestors: undefined,
    };
    this.expect(r, "object", field);
    r.openObject();
    for (let key = r.nextKey(); key !== undefined; key = r.nextKey()) {
      switch (key) {
        case "type":
          c.type = this.common(r, field, `.type`);
          break;
        case "name":
          c.name = this.str(r, field, `.name`);
          break;
        case "bom-ref":
          c.ref = this.str(r, field, `["bom-ref"]`);
          break;
        case "group":
          c.group = this.str(r, field, `.group`);
          break;
        case "version":
          c.version = this.common(r, field, `.version`);
          break;
        case "purl":
          c.purl = this.str(r, field, `.purl`);
          break;
        case "scope":
          c.scope = this.common(r, field, `.scope`);
          break;
        case "author":
        case "publisher":
          c.people.push(parsePersonString(this.str(r, field, key === "author" ? ".author" : ".publisher")));
          break;
        case "authors":
          this.expect(r, "array", field, `.authors`);
          r.openArray();
          while (r.nextElement()) c.people.push(this.person(r, field, ".authors[]"));
          break;
        case "supplier":
        case "manufacturer":
        case "provider":
          this.organisation(r, `${field}.${key}`, c);
          break;
        case "hashes":
          c.hashes = this.hashes(r, field);
          break;
        case "licenses":
          this.licenses(r, `${field}.licenses`, c);
          break;
        case "properties":
          this.expect(r, "array", field, ".properties");
          r.openArray();
          for (let i = 0; r.nextElement(); i++) {
            const [name, value] = this.pair(r, field, "properties", i, "name", "value");
            if (name === undefined)
              throw schemaError(this.path, `${field}.properties[${i}].name`, "required");
            c.properties.push({ name, value, index: i });
          }
          break;
        case "externalReferences":
          this.expect(r, "array", field, ".externalReferences");
          r.openArray();
          for (let i = 0; r.nextElement(); i++) {
            const [type, url] = this.pair(r, field, "externalReferences", i, "type", "url");
            if (type === undefined || url === undefined) {
              throw schemaError(
                this.path,
                `${field}.externalReferences[${i}].${type === undefined ? "type" : "url"}`,
                "required",
              );
            }
            c.externalReferences.push({ type, url });
          }
          break;
        case "modelCard": {
          const card = check(ModelCardSchema, r.readValue(), this.path, `${field}.modelCard`);
          c.datasets = card.modelParameters?.datasets;
          break;
        }
        case "data":
          c.data = check(DataListSchema, r.readValue(), this.path, `${field}.data`);
          break;
        case "components":
        case "services":
          if ((key === "services") !== service) {
            r.skipValue();
            break;
          }
          this.expect(r, "array", field, `.${key}`);
          c.nested = r.pos;
          r.skipValue();
          break;
        case "pedigree":
          this.expect(r, "object", field, `.pedigree`);
          r.object((k) => {
            if (k !== "ancestors") return r.skipValue();
            this.expect(r, "array", field, `.pedigree.ancestors`);
            c.ancestors = r.pos;
            r.skipValue();
          });
          break;
        default:
          r.skipValue();
      }
    }
    if (c.type === undefined && !service) throw schemaError(this.path, `${field}.type`, "required");
    if (c.name === undefined) throw schemaError(this.path, `${field}.name`, "required");
    return c;
  }

  /** Two string members of a small object in a list (`{name, value}`, `{type, url}`); paths only on error. */
  private pair(
    r: JsonReader,
    field: string,
    list: string,
    i: number,
    a: string,
    b: string,
  ): [string | undefined, string | undefined] {
    if (r.kind() !== "object")
      throw schemaError(this.path, `${field}.${list}[${i}]`, `expected an object, received ${r.kind()}`);
    let first: string | undefined;
    let second: string | undefined;
    r.openObject();
    for (let k = r.nextKey(); k !== undefined; k = r.nextKey()) {
      if (k !== a && k !== b) {
        r.skipValue();
        continue;
      }
      if (r.kind() !== "string")
        throw schemaError(
          this.path,
          `${field}.${list}[${i}].${k}`,
          `expected a string, received ${r.kind()}`,
        );
      if (k === a) first = r.readString();
      else second = r.readString();
    }
    return [first, second];
  }

  /** `hashes[]` as sorted `alg:content` pairs, joined by spaces. */
  private hashes(r: JsonReader, field: string): string {
    this.expect(r, "array", field, ".hashes");
    const list: string[] = [];
    r.openArray();
    for (let i = 0; r.nextElement(); i++) {
      const [alg, content] = this.pair(r, field, "hashes", i, "alg", "content");
      if (alg === undefined || content === undefined)
        throw schemaError(
          this.path,
          `${field}.hashes[${i}].${alg === undefined ? "alg" : "content"}`,
          "required",
        );
      list.push(`${alg}:${content.toLowerCase()}`);
    }
    return list.sort().join(" ");
  }

  private person(r: JsonReader, field: string, suffix: string): Person {
    const p: Person = {};
    this.expect(r, "object", field, suffix);
    r.openObject();
    for (let k = r.nextKey(); k !== undefined; k = r.nextKey()) {
      if (k === "name") p.name = this.str(r, field, `${suffix}.name`);
      else if (k === "email") p.email = this.str(r, field, `${suffix}.email`);
      else r.skipValue();
    }
    return p;
  }

  private organisation(r: JsonReader, field: string, c: Component): void {
    this.expect(r, "object", field);
    r.object((k) => {
      if (k === "url") {
        this.expect(r, "array", field, `.url`);
        r.array(() => c.people.push({ url: this.str(r, field, ".url[]") }));
      } else if (k === "contact") {
        this.expect(r, "array", field, `.contact`);
        r.array(() => c.people.push(this.person(r, field, ".contact[]")));
      } else r.skipValue();
    });
  }

  private licenses(r: JsonReader, field: string, c: Component): void {
    this.expect(r, "array", field);
    r.openArray();
    for (let i = 0; r.nextElement(); i++) {
      // The element's path is built only for an error: `field` + `[i]` + suffix.
      this.expect(r, "object", field, "", i);
      let seen = false;
      r.openObject();
      for (let k = r.nextKey(); k !== undefined; k = r.nextKey()) {
        if (k === "expression") {
          c.licenses.push(this.common(r, field, ".expression", i));
          seen = true;
        } else if (k === "license") {
          seen = true;
          let id: string | undefined;
          let name: string | undefined;
          this.expect(r, "object", field, ".license", i);
          r.openObject();
          for (let lk = r.nextKey(); lk !== undefined; lk = r.nextKey()) {
            if (lk === "id") id = this.common(r, field, ".license.id", i);
            else if (lk === "name") name = this.str(r, field, ".license.name", i);
            else if (lk === "text") {
              this.expect(r, "object", field, ".license.text", i);
              r.openObject();
              for (let tk = r.nextKey(); tk !== undefined; tk = r.nextKey()) {
                if (tk === "content" && textHasOptOut(this.str(r, field, ".license.text.content", i)))
                  c.licenseOptOut = true;
                else if (tk !== "content") r.skipValue();
              }
            } else r.skipValue();
          }
          if (id !== undefined) c.licenses.push(id);
          else if (name !== undefined) c.licenses.push(licenseRef(name));
          else throw schemaError(this.path, `${field}[${i}].license`, "a license needs an id or a name");
          if (name !== undefined && textHasOptOut(name)) c.licenseOptOut = true;
        } else r.skipValue();
      }
      if (!seen) throw schemaError(this.path, `${field}[${i}]`, "expected a license or an expression");
    }
  }

  /** Declares one component (and its nested ones); returns its key. */
  private component(r: JsonReader, field: string, parent: string | undefined, isRoot = false): string {
    r.skipWs();
    const at = r.pos;
    const c = this.pull(r, field);
    const kind: ComponentKind = isRoot
      ? "application"
      : c.type === "machine-learning-model"
        ? "model"
        : c.type === "data"
          ? "dataset"
          : "package";
    const key = this.keyOf(c, kind, field);
    const name = c.name as string;
    const info: ComponentInfo = {
      kind,
      name: c.group !== undefined && c.group.length > 0 ? `${c.group}/${name}` : name,
    };
    if (c.version !== undefined && c.version.length > 0) info.version = c.version;
    if (c.purl !== undefined && key.startsWith("pkg:")) info.purl = key;
    // Components nested in the BOM's subject are, by the spec, its own sub-components.
    if (field.startsWith("metadata.component.components[")) info.partOfProduct = true;
    const license = joinLicenses(c.licenses);
    if (license !== undefined) info.license = license;

    const optOut: string[] = c.licenseOptOut ? ["license-clause"] : [];
    let baseModel: { value: string; field: string } | undefined;
    const availability: NonNullable<ComponentInfo["availability"]> = {};
    let development = false;
    for (const p of c.properties) {
      const signal = optOutProperty(p.name, p.value);
      if (signal !== undefined) optOut.push(signal);
      if (p.name === "cdx:npm:package:development" && p.value === "true") development = true;
      if (isBaseModelProperty(p.name) && p.value !== undefined && p.value.trim().length > 0) {
        baseModel = { value: p.value.trim(), field: `${field}.properties[${p.index}].value` };
      }
      const lower = p.name.toLowerCase();
      if (lower.startsWith("wellspring:availability:")) {
        const what = lower.slice("wellspring:availability:".length);
        const yes = (p.value ?? "").trim().toLowerCase() === "true";
        if (what === "weights" || what === "code" || what === "data") availability[what] = yes;
      }
    }
    if (optOut.length > 0) info.aiOptOut = [...new Set(optOut)].sort();

    let vcs: string | undefined;
    let vcsIndex = -1;
    let hubUrl = false;
    // A plain loop: this runs once per component (10^6), a callback would be a closure each time.
    for (let i = 0; i < c.externalReferences.length; i++) {
      const ref = c.externalReferences[i]!;
      if (ref.type === "vcs" && vcs === undefined) {
        vcs = ref.url;
        vcsIndex = i;
      }
      if (kind !== "package" && normaliseRepositoryUrl(ref.url).startsWith("huggingface.co/")) hubUrl = true;
    }
    if (kind === "model") {
      if (availability.weights === undefined && (hubUrl || key.startsWith("pkg:huggingface/")))
        availability.weights = true;
      if (availability.code === undefined && vcs !== undefined) availability.code = true;
      // Training data counts as open when every dataset is published at a URL.
      if (availability.data === undefined && c.datasets !== undefined && c.datasets.length > 0) {
        if (c.datasets.every((d) => d.ref === undefined && d.contents?.url !== undefined))
          availability.data = true;
      }
    }
    if (kind === "dataset" && availability.data === undefined) {
      if (hubUrl || (c.data?.some((d) => d.contents?.url !== undefined) ?? false)) availability.data = true;
    }
    if (Object.keys(availability).length > 0 && (kind === "model" || kind === "dataset"))
      info.availability = availability;

    const source = this.src(field);
    this.declare(r, at, c, key, info, field, false);
    if (c.ref !== undefined) {
      if (development || c.scope === "excluded") this.devKeys.add(key);
      else if (c.scope === "optional") this.optionalKeys.add(key);
    }

    this.contributors(c, key, source, vcs, vcsIndex);
    if (parent !== undefined) this.sink.edge(parent, key, "contains", source);

    // ML-BOM provenance.
    if (c.datasets !== undefined) {
      c.datasets.forEach((d, i) => {
        const dField = `${field}.modelCard.modelParameters.datasets[${i}]`;
        if (d.ref !== undefined) {
          this.pending.push({ from: key, ref: d.ref, kind: "trainedOn", field: `${dField}.ref` });
        } else if (d.name !== undefined || d.contents?.url !== undefined) {
          const dKey = this.inlineDatasetKey(d);
          const dInfo: ComponentInfo = { kind: "dataset", name: d.name ?? dKey };
          if (d.contents?.url !== undefined) dInfo.availability = { data: true };
          this.sink.component(dKey, dInfo, this.src(dField));
          this.sink.edge(key, dKey, "trainedOn", this.src(dField));
        } else {
          throw schemaError(this.path, dField, "a dataset needs a ref, a name or contents.url");
        }
      });
    }
    if (baseModel !== undefined) {
      this.pending.push({
        from: key,
        ref: baseModel.value,
        kind: "fineTunedFrom",
        field: baseModel.field,
        fallbackKey: modelKey(baseModel.value),
      });
    }
    if (c.ancestors !== undefined) {
      const a = r.fork(c.ancestors);
      a.array((i) => {
        const aField = `${field}.pedigree.ancestors[${i}]`;
        const ancestor = this.component(a, aField, undefined);
        this.sink.edge(key, ancestor, kind === "model" ? "fineTunedFrom" : "contains", this.src(aField));
      });
    }
    if (c.nested !== undefined) {
      const n = r.fork(c.nested);
      n.array((i) => this.component(n, `${field}.components[${i}]`, key));
    }
    return key;
  }

  /**
   * Reports a component or service to the sink and records its bom-ref. A bom-ref declared
   * twice is an error naming both places; one key under two bom-refs (the same purl twice) is
   * merged, with a warning listing what differed (the graph joins differing licences with AND,
   * so the stricter one governs gating).
   */
  private declare(
    r: JsonReader,
    at: number,
    c: Component,
    key: string,
    info: ComponentInfo,
    field: string,
    service: boolean,
  ): void {
    this.sink.component(key, info, this.src(field));
    // Numbers, not strings or objects, per component: 10^6 of them in big BOMs.
    const code = this.fieldCode(field);
    const sinkId = this.sink.componentId?.(key) ?? -1;
    if (c.ref !== undefined) {
      const seen = this.refs.get(c.ref);
      if (seen !== undefined)
        throw duplicateError(this.path, field, c.ref, this.fieldOf(this.refFields[seen]!));
      this.refs.set(c.ref, this.refKeys.length);
      this.refKeys.push(key);
      this.refFields.push(code);
      this.refIds.push(sinkId);
    }
    const next = this.firstAt.length;
    let index: number;
    if (sinkId >= 0) {
      if (sinkId >= this.firstBySinkId.length) {
        const grown = new Int32Array(Math.max(1024, (sinkId + 1) * 2));
        grown.set(this.firstBySinkId);
        this.firstBySinkId = grown;
      }
      index = this.firstBySinkId[sinkId]! - 1;
      if (index < 0) {
        index = next;
        this.firstBySinkId[sinkId] = next + 1;
      }
    } else index = this.keyFirst.getOrSet(key, next);
    if (index === next) {
      this.firstAt.push(at * 2 + (service ? 1 : 0));
      this.firstField.push(code);
      return;
    }
    if (c.ref === undefined) return;
    const firstAt = this.firstAt[index]!;
    const firstField = this.fieldOf(this.firstField[index]!);
    const first = this.pull(r.fork(Math.floor(firstAt / 2)), firstField, firstAt % 2 === 1);
    if (first.ref === undefined || first.ref === c.ref) return;
    // Named in field order, so the message does not depend on JSON member order.
    const sides = [
      { ref: first.ref, field: firstField, license: joinLicenses(first.licenses), hashes: first.hashes },
      { ref: c.ref, field, license: info.license, hashes: c.hashes },
    ].sort((x, y) => (x.field < y.field ? -1 : 1));
    const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
    const differed: string[] = [];
    if ((a.license ?? "") !== (b.license ?? ""))
      differed.push(`licences ${a.license ?? "(none)"} / ${b.license ?? "(none)"}`);
    if (a.hashes !== b.hashes) differed.push(`hashes ${a.hashes || "(none)"} / ${b.hashes || "(none)"}`);
    this.sink.warning?.(
      `${key} is declared under two bom-refs ("${a.ref}" at ${a.field}, "${b.ref}" at ${b.field}) and merged; ` +
        (differed.length > 0 ? `differing: ${differed.join("; ")}` : "nothing else differs"),
      this.src(b.field),
    );
  }

  /** `components[i]` as i; any other field as -(its index in otherFields) - 1. */
  private fieldCode(field: string): number {
    if (field.startsWith("components[") && field.indexOf("[", 11) < 0 && field.indexOf(".") < 0)
      return Number(field.slice(11, -1));
    this.otherFields.push(field);
    return -this.otherFields.length;
  }

  private fieldOf(code: number): string {
    return code >= 0 ? `components[${code}]` : this.otherFields[-code - 1]!;
  }

  /** A service (`services[]`, nested `services`): a component that is called, not shipped. */
  private service(r: JsonReader, field: string, parent: string | undefined): string {
    r.skipWs();
    const at = r.pos;
    const c = this.pull(r, field, true);
    const name = c.name as string;
    const full = c.group !== undefined && c.group.length > 0 ? `${c.group}/${name}` : name;
    const version = c.version !== undefined && c.version.length > 0 ? c.version : undefined;
    const key = `service:${full}${version !== undefined ? `@${version}` : ""}`;
    const info: ComponentInfo = { kind: "package", name: full };
    if (version !== undefined) info.version = version;
    const license = joinLicenses(c.licenses);
    if (license !== undefined) info.license = license;
    if (c.licenseOptOut) info.aiOptOut = ["license-clause"];
    this.declare(r, at, c, key, info, field, true);
    let vcs: string | undefined;
    let vcsIndex = -1;
    c.externalReferences.forEach((ref, i) => {
      if (ref.type === "vcs" && vcs === undefined) [vcs, vcsIndex] = [ref.url, i];
    });
    this.contributors(c, key, this.src(field), vcs, vcsIndex);
    if (parent !== undefined) this.sink.edge(parent, key, "contains", this.src(field));
    if (c.nested !== undefined) {
      const n = r.fork(c.nested);
      n.array((i) => this.service(n, `${field}.services[${i}]`, key));
    }
    return key;
  }

  private inlineDatasetKey(d: DataRefT): string {
    const url = d.contents?.url;
    if (url !== undefined && huggingFaceId(url, "dataset") !== undefined) return datasetKey(url);
    const name = d.name ?? "";
    // Hub-style `namespace/name` ids are Hugging Face datasets; anything else is a plain name.
    if (name.includes("/") && !name.includes(" ")) return datasetKey(name);
    if (url !== undefined) return datasetKey(url);
    return plainKey("dataset", name);
  }

  private keyOf(c: Component, kind: ComponentKind, field: string): string {
    const name = c.name as string;
    if (c.purl !== undefined && c.purl.length > 0) {
      const key = normalisePurl(c.purl);
      if (key === undefined)
        throw schemaError(this.path, `${field}.purl`, `not a valid package URL: ${c.purl}`);
      return key;
    }
    if (kind === "model" || kind === "dataset") {
      const urls = [
        ...c.externalReferences.map((r) => r.url),
        ...(c.data?.map((d) => d.contents?.url ?? "") ?? []),
      ];
      for (const url of urls) {
        if (url.length > 0 && huggingFaceId(url, kind) !== undefined)
          return kind === "model" ? modelKey(url) : datasetKey(url);
      }
      return plainKey(kind, c.group !== undefined && c.group.length > 0 ? `${c.group}/${name}` : name);
    }
    // No purl: a generic purl from group, name and version keeps keys in one namespace.
    return formatPurl({
      type: "generic",
      namespace: c.group !== undefined && c.group.length > 0 ? [c.group] : [],
      name,
      version: c.version !== undefined && c.version.length > 0 ? c.version : undefined,
    });
  }

  /** Contributors cite the component's own source ref: one object per component, not per person. */
  private contributors(
    c: Component,
    key: string,
    source: SourceRef,
    vcs: string | undefined,
    vcsIndex: number,
  ): void {
    let seen: Set<string> | undefined;
    for (const person of c.people) {
      const identity = personIdentity(person);
      if (identity === undefined || seen?.has(identity) === true) continue;
      (seen ??= new Set()).add(identity);
      this.sink.contributor(key, { identity, source: "declared" }, source);
    }
    // Nobody identifiable declared: the GitHub owner of the source repository stands in.
    if (seen === undefined && vcs !== undefined) {
      const owner = gitHubOwnerIdentity(vcs);
      if (owner !== undefined) {
        this.sink.contributor(
          key,
          { identity: owner, source: "declared" },
          this.src(`${source.field}.externalReferences[${vcsIndex}].url`),
        );
      }
    }
  }

  /**
   * A dependency naming a bom-ref no component declares. Generators do this (rust-aibom-generator
   * names its model's purl without declaring the model); when the reference is a valid purl it
   * identifies the component by itself, so it becomes one (with a warning) and is paid like any
   * other. Anything else names nobody we could pay: INPUT_DANGLING_REFERENCE.
   */
  private undeclaredRef(ref: string, field: string): number {
    const key = normalisePurl(ref);
    const purl = parsePurl(ref);
    if (key === undefined || purl === undefined) throw danglingError(this.path, field, ref);
    const kind: ComponentKind = key.startsWith("dataset:")
      ? "dataset"
      : purl.type === "huggingface"
        ? "model"
        : "package";
    const name = [...purl.namespace, purl.name].join("/");
    const info: ComponentInfo = { kind, name };
    if (key.startsWith("pkg:")) info.purl = key;
    if (purl.version !== undefined) info.version = purl.version;
    this.sink.component(key, info, this.src(field));
    this.sink.warning?.(
      `field ${field}: reference "${ref}" names no component declared in this file; read as the component ${key} made from that purl`,
      this.src(field),
    );
    const at = this.refKeys.length;
    this.refs.set(ref, at);
    this.refKeys.push(key);
    this.refFields.push(this.fieldCode(field));
    this.refIds.push(this.sink.componentId?.(key) ?? -1);
    return at;
  }

  /**
   * One `dependencies[]` entry; references are resolved from the bytes without strings. When
   * not `final`, an unknown reference may still be declared further on (`services` after
   * `dependencies`): the entry is read to its end and false returned, nothing reported.
   */
  private dependency(r: JsonReader, index: number, final: boolean): boolean {
    let from: number | undefined;
    let sawRef = false;
    let unresolved = false;
    this.expect(r, "object", "dependencies", "", index);
    // One source for all dependency edges: errors below name the exact index themselves.
    const source = (this.depsSource ??= this.src("dependencies"));
    const targets = this.targets;
    targets.length = 0;
    r.openObject();
    for (let k = r.nextKey(); k !== undefined; k = r.nextKey()) {
      if (k === "ref") {
        if (r.kind() !== "string") this.str(r, "dependencies", ".ref", index);
        from = r.lookupString(this.refs);
        if (from === undefined && final)
          from = this.undeclaredRef(r.lastString(), `dependencies[${index}].ref`);
        if (from === undefined) unresolved = true;
        sawRef = true;
      } else if (k === "dependsOn") {
        // `provides` (1.6+, what a component implements) is not a use and is not read.
        this.expect(r, "array", "dependencies", `.${k}`, index);
        r.openArray();
        for (let j = 0; r.nextElement(); j++) {
          if (r.kind() !== "string") this.str(r, `dependencies[${index}]`, `.${k}[${j}]`);
          let to = r.lookupString(this.refs);
          if (to === undefined && final)
            to = this.undeclaredRef(r.lastString(), `dependencies[${index}].${k}[${j}]`);
          if (to === undefined) unresolved = true;
          else targets.push(to);
        }
      } else r.skipValue();
    }
    if (unresolved) return false;
    if (!sawRef) throw schemaError(this.path, `dependencies[${index}].ref`, "required");
    const fromKey = this.refKeys[from as number]!;
    const fromId = this.refIds[from as number]!;
    // Only the root's edges carry npm's dev/optional flags; deeper edges are plain uses.
    const fromRoot = fromKey === this.rootKey;
    for (const t of targets) {
      const to = this.refKeys[t]!;
      const kind: EdgeKind =
        fromRoot && this.devKeys.has(to)
          ? "dev"
          : fromRoot && this.optionalKeys.has(to)
            ? "optional"
            : "runtime";
      // Ids when the sink has them: no key lookup per edge (10^6 components, several edges each).
      if (fromId >= 0) this.sink.edgeIds!(fromId, this.refIds[t]!, kind, source);
      else this.sink.edge(fromKey, to, kind, source);
    }
    return true;
  }
}

/** Reads CycloneDX JSON bytes (also what the XML reader transcodes to). */
export function readCycloneDxJson(file: InputFile, sink: GraphSink, ctx: ParseContext): void {
  new CycloneDxReader(file, sink, ctx).run();
}

export const cyclonedxParser: InputParser & {
  parse(file: InputFile, json: unknown, sink: GraphSink, ctx?: ParseContext): void;
} = {
  format: "cyclonedx",
  detect(_file: InputFile, json: unknown): boolean {
    const head = json as JsonHead | undefined;
    return head instanceof Map && head.get("bomFormat") === "CycloneDX";
  },
  parse(file: InputFile, _json: unknown, sink: GraphSink, ctx?: ParseContext): void {
    new CycloneDxReader(file, sink, ctx ?? directContext(sink)).run();
  },
};

/** The format id recorded for a CycloneDX file: `cyclonedx-<specVersion>`. */
export function cyclonedxFormat(head: JsonHead): string {
  const v = head.get("specVersion");
  return typeof v === "string" && v !== (CONTAINER as unknown) ? `cyclonedx-${v}` : "cyclonedx";
}
