/**
 * CycloneDX 1.4–1.6 JSON, including ML-BOM models (`machine-learning-model`), datasets (`data`)
 * and `modelCard`. The `components` and `dependencies` arrays are walked one element at a time
 * (see json.ts), so a BOM of 10^6 components is never one object tree.
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
import { CONTAINER, JsonReader, type JsonHead } from "./json.ts";
import {
  datasetKey,
  formatPurl,
  huggingFaceId,
  modelKey,
  normalisePurl,
  normaliseRepositoryUrl,
  plainKey,
} from "./keys.ts";
import { gitHubOwnerIdentity, personIdentity, parsePersonString, type Person } from "./identity.ts";
import {
  check,
  danglingError,
  directContext,
  joinLicenses,
  licenseRef,
  optOutProperty,
  ROOT_SUBJECT,
  schemaError,
  textHasOptOut,
  z,
  type ParseContext,
} from "./schema.ts";

const SUPPORTED = new Set(["1.4", "1.5", "1.6"]);

const OrgEntity = z.looseObject({
  name: z.string().optional(),
  url: z.array(z.string()).optional(),
  contact: z.array(z.looseObject({ name: z.string().optional(), email: z.string().optional() })).optional(),
});
const Author = z.looseObject({ name: z.string().optional(), email: z.string().optional() });
const License = z.union([
  z.looseObject({
    license: z.looseObject({
      id: z.string().optional(),
      name: z.string().optional(),
      text: z.looseObject({ content: z.string().optional() }).optional(),
    }),
  }),
  z.looseObject({ expression: z.string() }),
]);
const Property = z.looseObject({ name: z.string(), value: z.string().optional() });
const ExternalReference = z.looseObject({ type: z.string(), url: z.string() });
const DataRef = z.looseObject({
  ref: z.string().optional(),
  type: z.string().optional(),
  name: z.string().optional(),
  contents: z.looseObject({ url: z.string().optional() }).optional(),
});

interface Component {
  type: string;
  name: string;
  "bom-ref"?: string | undefined;
  group?: string | undefined;
  version?: string | undefined;
  purl?: string | undefined;
  scope?: string | undefined;
  author?: string | undefined;
  publisher?: string | undefined;
  authors?: Array<z.infer<typeof Author>> | undefined;
  supplier?: z.infer<typeof OrgEntity> | undefined;
  manufacturer?: z.infer<typeof OrgEntity> | undefined;
  licenses?: Array<z.infer<typeof License>> | undefined;
  properties?: Array<z.infer<typeof Property>> | undefined;
  externalReferences?: Array<z.infer<typeof ExternalReference>> | undefined;
  data?: Array<z.infer<typeof DataRef>> | undefined;
  modelCard?:
    { modelParameters?: { datasets?: Array<z.infer<typeof DataRef>> | undefined } | undefined } | undefined;
  pedigree?: { ancestors?: unknown[] | undefined } | undefined;
  components?: unknown[] | undefined;
}

const ComponentSchema: z.ZodType<Component> = z.looseObject({
  type: z.string(),
  name: z.string(),
  "bom-ref": z.string().optional(),
  group: z.string().optional(),
  version: z.string().optional(),
  purl: z.string().optional(),
  scope: z.string().optional(),
  author: z.string().optional(),
  publisher: z.string().optional(),
  authors: z.array(Author).optional(),
  supplier: OrgEntity.optional(),
  manufacturer: OrgEntity.optional(),
  licenses: z.array(License).optional(),
  properties: z.array(Property).optional(),
  externalReferences: z.array(ExternalReference).optional(),
  data: z.array(DataRef).optional(),
  modelCard: z
    .looseObject({
      modelParameters: z.looseObject({ datasets: z.array(DataRef).optional() }).optional(),
    })
    .optional(),
  pedigree: z.looseObject({ ancestors: z.array(z.unknown()).optional() }).optional(),
  components: z.array(z.unknown()).optional(),
}) as z.ZodType<Component>;

const DependencySchema = z.looseObject({ ref: z.string(), dependsOn: z.array(z.string()).optional() });
const MetadataSchema = z.looseObject({ component: z.unknown().optional() });

/** A reference that can only be resolved once every bom-ref is known. */
interface PendingRef {
  from: string;
  ref: string;
  kind: EdgeKind;
  field: string;
  /** For base models named by id rather than bom-ref: the key to use when no bom-ref matches. */
  fallbackKey?: string | undefined;
}

function isBaseModelProperty(name: string): boolean {
  const n = name.trim().toLowerCase();
  const tail = n.slice(n.lastIndexOf(":") + 1);
  return tail === "base_model" || tail === "base-model" || tail === "basemodel" || tail === "base_model_name";
}

class CycloneDxReader {
  private readonly refs = new Map<string, string>();
  /** bom-ref -> true when the component is flagged development-only / optional (for root edges). */
  private readonly devRefs = new Set<string>();
  private readonly optionalRefs = new Set<string>();
  private readonly pending: PendingRef[] = [];
  private readonly bufferedDeps: Array<{ value: unknown; index: number }> = [];
  private componentsDone = false;
  private rootKey: string | undefined;
  private rootRef: string | undefined;
  private topLevelCount = 0;
  private firstTopLevelKey: string | undefined;

  constructor(
    private readonly file: InputFile,
    private readonly sink: GraphSink,
    private readonly ctx: ParseContext,
  ) {}

  private src(field: string): SourceRef {
    return { file: this.file.path, field };
  }

  run(): void {
    const reader = new JsonReader(this.file);
    let sawFormat = false;
    if (reader.kind() !== "object")
      throw schemaError(this.file.path, "(document)", "a CycloneDX BOM must be a JSON object");
    reader.object((key) => {
      switch (key) {
        case "bomFormat": {
          const v = reader.readValue();
          if (v !== "CycloneDX") throw schemaError(this.file.path, "bomFormat", `expected "CycloneDX"`);
          sawFormat = true;
          break;
        }
        case "specVersion": {
          const v = reader.readValue();
          if (typeof v !== "string" || !SUPPORTED.has(v)) {
            throw schemaError(
              this.file.path,
              "specVersion",
              `unsupported CycloneDX specVersion ${JSON.stringify(v)} (supported: 1.4, 1.5, 1.6)`,
            );
          }
          break;
        }
        case "metadata":
          // The root must be known before dependencies are resolved against it.
          this.readMetadata(reader.readValue());
          break;
        case "components":
          if (reader.kind() !== "array") throw schemaError(this.file.path, "components", "expected an array");
          reader.array((i) => {
            const field = `components[${i}]`;
            const key = this.component(reader.readValue(), field, undefined);
            this.topLevelCount++;
            if (i === 0) this.firstTopLevelKey = key;
          });
          break;
        case "dependencies":
          if (reader.kind() !== "array")
            throw schemaError(this.file.path, "dependencies", "expected an array");
          reader.array((i) => {
            const value = reader.readValue();
            // Dependencies name bom-refs, which are all known only after `components`.
            if (this.componentsDone) this.dependency(value, i);
            else this.bufferedDeps.push({ value, index: i });
          });
          break;
        default:
          reader.skipValue();
      }
      if (key === "components") this.componentsDone = true;
    });
    reader.end();
    if (!sawFormat) throw schemaError(this.file.path, "bomFormat", `missing "bomFormat": "CycloneDX"`);
    this.componentsDone = true;
    for (const { value, index } of this.bufferedDeps) this.dependency(value, index);
    this.bufferedDeps.length = 0;
    for (const p of this.pending) {
      let to = this.refs.get(p.ref);
      if (to === undefined && p.fallbackKey !== undefined) {
        // A base model named by its Hub id rather than a bom-ref: declare it here.
        to = p.fallbackKey;
        this.sink.component(to, { kind: "model", name: p.ref }, this.src(p.field));
      }
      if (to === undefined) throw danglingError(this.file.path, p.field, p.ref);
      this.sink.edge(p.from, to, p.kind, this.src(p.field));
    }
    if (this.rootKey === undefined && this.topLevelCount === 1 && this.firstTopLevelKey !== undefined) {
      this.ctx.proposeRoot(this.firstTopLevelKey, this.src("components[0]"), ROOT_SUBJECT);
    }
  }

  private readMetadata(value: unknown): void {
    const metadata = check(MetadataSchema, value, this.file.path, "metadata");
    if (metadata.component === undefined) return;
    const key = this.component(metadata.component, "metadata.component", undefined, true);
    this.rootKey = key;
    const parsed = metadata.component as { "bom-ref"?: string };
    this.rootRef = parsed["bom-ref"];
    this.sink.root(key, this.src("metadata.component"));
  }

  /** Declares one component (and its nested ones); returns its key. */
  private component(value: unknown, field: string, parent: string | undefined, isRoot = false): string {
    const c = check(ComponentSchema, value, this.file.path, field);
    const kind: ComponentKind = isRoot
      ? "application"
      : c.type === "machine-learning-model"
        ? "model"
        : c.type === "data"
          ? "dataset"
          : "package";
    const key = this.keyOf(c, kind, field);
    const info: ComponentInfo = {
      kind,
      name: c.group !== undefined && c.group.length > 0 ? `${c.group}/${c.name}` : c.name,
    };
    if (c.version !== undefined && c.version.length > 0) info.version = c.version;
    if (c.purl !== undefined) info.purl = key;

    const optOut: string[] = [];
    const licenses: string[] = [];
    if (c.licenses !== undefined) {
      for (const entry of c.licenses) {
        if ("expression" in entry && typeof entry.expression === "string") {
          licenses.push(entry.expression);
        } else if ("license" in entry) {
          const l = entry.license as { id?: string; name?: string; text?: { content?: string } };
          if (l.id !== undefined) licenses.push(l.id);
          else if (l.name !== undefined) licenses.push(licenseRef(l.name));
          if (
            (l.name !== undefined && textHasOptOut(l.name)) ||
            (l.text?.content !== undefined && textHasOptOut(l.text.content))
          ) {
            optOut.push("license-clause");
          }
        }
      }
    }
    const license = joinLicenses(licenses);
    if (license !== undefined) info.license = license;

    let baseModel: { value: string; field: string } | undefined;
    const availability: NonNullable<ComponentInfo["availability"]> = {};
    if (c.properties !== undefined) {
      for (let i = 0; i < c.properties.length; i++) {
        const p = c.properties[i] as z.infer<typeof Property>;
        const signal = optOutProperty(p.name, p.value);
        if (signal !== undefined) optOut.push(signal);
        if (isBaseModelProperty(p.name) && p.value !== undefined && p.value.trim().length > 0) {
          baseModel = { value: p.value.trim(), field: `${field}.properties[${i}].value` };
        }
        const lower = p.name.toLowerCase();
        if (lower.startsWith("wellspring:availability:")) {
          const what = lower.slice("wellspring:availability:".length);
          const yes = (p.value ?? "").trim().toLowerCase() === "true";
          if (what === "weights" || what === "code" || what === "data") availability[what] = yes;
        }
      }
    }
    if (optOut.length > 0) info.aiOptOut = [...new Set(optOut)].sort();

    let vcs: string | undefined;
    let hubUrl = false;
    if (c.externalReferences !== undefined) {
      for (const ref of c.externalReferences) {
        if (ref.type === "vcs" && vcs === undefined) vcs = ref.url;
        if (normaliseRepositoryUrl(ref.url).startsWith("huggingface.co/")) hubUrl = true;
      }
    }
    if (kind === "model") {
      if (availability.weights === undefined && (hubUrl || key.startsWith("pkg:huggingface/")))
        availability.weights = true;
      if (availability.code === undefined && vcs !== undefined) availability.code = true;
    }
    if (kind === "dataset" && availability.data === undefined) {
      const url = c.data?.some((d) => d.contents?.url !== undefined) ?? false;
      if (url || hubUrl) availability.data = true;
    }

    const datasets = c.modelCard?.modelParameters?.datasets;
    if (
      kind === "model" &&
      availability.data === undefined &&
      datasets !== undefined &&
      datasets.length > 0
    ) {
      // Training data counts as open when every dataset is published at a URL.
      if (datasets.every((d) => d.ref === undefined && d.contents?.url !== undefined))
        availability.data = true;
    }
    if (Object.keys(availability).length > 0 && (kind === "model" || kind === "dataset"))
      info.availability = availability;

    this.sink.component(key, info, this.src(field));
    const ref = c["bom-ref"];
    if (ref !== undefined) {
      this.refs.set(ref, key);
      const development =
        c.properties?.some((p) => p.name === "cdx:npm:package:development" && p.value === "true") ?? false;
      if (development || c.scope === "excluded") this.devRefs.add(ref);
      else if (c.scope === "optional") this.optionalRefs.add(ref);
    }

    this.contributors(c, key, field, vcs);
    if (parent !== undefined) this.sink.edge(parent, key, "contains", this.src(field));

    // ML-BOM provenance.
    if (datasets !== undefined) {
      for (let i = 0; i < datasets.length; i++) {
        const d = datasets[i] as z.infer<typeof DataRef>;
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
          throw schemaError(this.file.path, dField, "a dataset needs a ref, a name or contents.url");
        }
      }
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
    if (c.pedigree?.ancestors !== undefined) {
      for (let i = 0; i < c.pedigree.ancestors.length; i++) {
        const aField = `${field}.pedigree.ancestors[${i}]`;
        const ancestor = this.component(c.pedigree.ancestors[i], aField, undefined);
        this.sink.edge(key, ancestor, kind === "model" ? "fineTunedFrom" : "contains", this.src(aField));
      }
    }
    if (c.components !== undefined) {
      for (let i = 0; i < c.components.length; i++)
        this.component(c.components[i], `${field}.components[${i}]`, key);
    }
    return key;
  }

  private inlineDatasetKey(d: z.infer<typeof DataRef>): string {
    const url = d.contents?.url;
    if (url !== undefined && huggingFaceId(url, "dataset") !== undefined) return datasetKey(url);
    const name = d.name ?? "";
    // Hub-style `namespace/name` ids are Hugging Face datasets; anything else is a plain name.
    if (name.includes("/") && !name.includes(" ")) return datasetKey(name);
    if (url !== undefined) return datasetKey(url);
    return plainKey("dataset", name);
  }

  private keyOf(c: Component, kind: ComponentKind, field: string): string {
    if (c.purl !== undefined && c.purl.length > 0) {
      const key = normalisePurl(c.purl);
      if (key === undefined)
        throw schemaError(this.file.path, `${field}.purl`, `not a valid package URL: ${c.purl}`);
      return key;
    }
    if (kind === "model" || kind === "dataset") {
      const hubKind = kind === "model" ? "model" : "dataset";
      const urls = [
        ...(c.externalReferences?.map((r) => r.url) ?? []),
        ...(c.data?.map((d) => d.contents?.url ?? "") ?? []),
      ];
      for (const url of urls) {
        if (url.length > 0 && huggingFaceId(url, hubKind) !== undefined)
          return kind === "model" ? modelKey(url) : datasetKey(url);
      }
      const name = c.group !== undefined && c.group.length > 0 ? `${c.group}/${c.name}` : c.name;
      return plainKey(kind, name);
    }
    // No purl: a generic purl from group, name and version keeps keys in one namespace.
    return formatPurl({
      type: "generic",
      namespace: c.group !== undefined && c.group.length > 0 ? [c.group] : [],
      name: c.name,
      version: c.version !== undefined && c.version.length > 0 ? c.version : undefined,
    });
  }

  private contributors(c: Component, key: string, field: string, vcs: string | undefined): void {
    const seen = new Set<string>();
    const add = (person: Person, at: string): void => {
      const identity = personIdentity(person);
      if (identity === undefined || seen.has(identity)) return;
      seen.add(identity);
      this.sink.contributor(key, { identity, source: "declared" }, this.src(at));
    };
    if (c.authors !== undefined) c.authors.forEach((a, i) => add(a, `${field}.authors[${i}]`));
    if (c.author !== undefined) add(parsePersonString(c.author), `${field}.author`);
    for (const which of ["supplier", "manufacturer"] as const) {
      const org = c[which];
      if (org === undefined) continue;
      org.contact?.forEach((p, i) => add(p, `${field}.${which}.contact[${i}]`));
      org.url?.forEach((u, i) => add({ url: u }, `${field}.${which}.url[${i}]`));
    }
    if (c.publisher !== undefined) add(parsePersonString(c.publisher), `${field}.publisher`);
    // Nobody identifiable declared: the GitHub owner of the source repository stands in.
    if (seen.size === 0 && vcs !== undefined) {
      const owner = gitHubOwnerIdentity(vcs);
      if (owner !== undefined) {
        const i = c.externalReferences?.findIndex((r) => r.type === "vcs") ?? 0;
        this.sink.contributor(
          key,
          { identity: owner, source: "declared" },
          this.src(`${field}.externalReferences[${i}].url`),
        );
      }
    }
  }

  private dependency(value: unknown, index: number): void {
    const field = `dependencies[${index}]`;
    const dep = check(DependencySchema, value, this.file.path, field);
    const from = this.refs.get(dep.ref);
    if (from === undefined) throw danglingError(this.file.path, `${field}.ref`, dep.ref);
    if (dep.dependsOn === undefined) return;
    const fromRoot = this.rootRef !== undefined && dep.ref === this.rootRef;
    for (let j = 0; j < dep.dependsOn.length; j++) {
      const ref = dep.dependsOn[j] as string;
      const to = this.refs.get(ref);
      if (to === undefined) throw danglingError(this.file.path, `${field}.dependsOn[${j}]`, ref);
      // Only the root's edges carry npm's dev/optional flags; deeper edges are plain uses.
      const kind: EdgeKind =
        fromRoot && this.devRefs.has(ref)
          ? "dev"
          : fromRoot && this.optionalRefs.has(ref)
            ? "optional"
            : "runtime";
      this.sink.edge(from, to, kind, this.src(`${field}.dependsOn[${j}]`));
    }
  }
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
