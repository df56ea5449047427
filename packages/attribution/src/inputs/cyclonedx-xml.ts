/**
 * CycloneDX XML (1.0–1.7). The document is streamed through saxes and transcoded, one top-level
 * component, service or dependency at a time, into the CycloneDX JSON the JSON reader reads;
 * so both encodings share one reader (keys, kinds, collisions, order independence) and memory
 * stays the document's size plus one top-level element's tree. Errors name the JSON-equivalent
 * field (`components[3].purl`); XML syntax errors give the line and column.
 *
 * Only what the JSON reader uses is transcoded; every other element is skipped.
 */
import { SaxesParser, type SaxesTagPlain } from "saxes";
import { WellspringError } from "../errors.ts";
import type { GraphSink, InputFile, InputParser } from "./types.ts";
import { readCycloneDxJson } from "./cyclonedx.ts";
import { directContext, type ParseContext } from "./schema.ts";

/** One element: local name, attributes, child elements, text. */
interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

const NAMESPACE = /cyclonedx\.org\/schema\/bom\/(1\.\d+)/;

function local(name: string): string {
  const colon = name.indexOf(":");
  return colon >= 0 ? name.slice(colon + 1) : name;
}

/** True when the file starts (after a declaration and comments) with a CycloneDX `<bom>`. */
export function looksLikeCycloneDxXml(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  const start = head.search(/<([A-Za-z_][\w.-]*:)?bom[\s>]/);
  if (start < 0) return false;
  if (!/^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*$/.test(head.slice(0, start).replace(/^\uFEFF/, "")))
    return false;
  return NAMESPACE.test(head.slice(start));
}

/** The spec version a `<bom>`'s namespace names, if any. */
export function cyclonedxXmlVersion(bytes: Uint8Array): string | undefined {
  return NAMESPACE.exec(new TextDecoder().decode(bytes.subarray(0, 4096)))?.[1];
}

const text = (n: XNode | undefined): string | undefined => (n === undefined ? undefined : n.text.trim());
const child = (n: XNode, name: string): XNode | undefined => n.children.find((c) => c.name === name);
const childrenNamed = (n: XNode, name: string): XNode[] => n.children.filter((c) => c.name === name);

function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

function person(n: XNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  put(out, "name", text(child(n, "name")));
  put(out, "email", text(child(n, "email")));
  return out;
}

function organisation(n: XNode): Record<string, unknown> {
  return {
    ...(child(n, "name") ? { name: text(child(n, "name")) } : {}),
    url: childrenNamed(n, "url").map((u) => u.text.trim()),
    contact: childrenNamed(n, "contact").map(person),
  };
}

function license(n: XNode): Record<string, unknown> {
  if (n.name === "expression") return { expression: n.text.trim() };
  const out: Record<string, unknown> = {};
  put(out, "id", text(child(n, "id")));
  put(out, "name", text(child(n, "name")));
  const t = child(n, "text");
  if (t !== undefined) out.text = { content: t.text };
  return { license: out };
}

function dataRef(n: XNode): Record<string, unknown> {
  if (n.name === "ref") return { ref: n.text.trim() };
  const out: Record<string, unknown> = {};
  put(out, "type", text(child(n, "type")));
  put(out, "name", text(child(n, "name")));
  const url = text(child(child(n, "contents") ?? n, "url"));
  if (url !== undefined) out.contents = { url };
  return out;
}

/** A `<component>` or `<service>` as its JSON form. */
function entity(n: XNode, service: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!service) put(out, "type", n.attrs.type);
  put(out, "bom-ref", n.attrs["bom-ref"]);
  for (const c of n.children) {
    switch (c.name) {
      case "name":
      case "group":
      case "version":
      case "purl":
      case "scope":
      case "author":
      case "publisher":
        out[c.name] = c.text.trim();
        break;
      case "licenses":
        out.licenses = c.children.filter((l) => l.name === "license" || l.name === "expression").map(license);
        break;
      case "hashes":
        out.hashes = childrenNamed(c, "hash").map((h) => ({
          alg: h.attrs.alg ?? "",
          content: h.text.trim(),
        }));
        break;
      case "externalReferences":
        out.externalReferences = childrenNamed(c, "reference").map((r) => ({
          type: r.attrs.type ?? "",
          url: text(child(r, "url")) ?? "",
        }));
        break;
      case "properties":
        out.properties = childrenNamed(c, "property").map((p) => ({
          name: p.attrs.name ?? "",
          value: p.text,
        }));
        break;
      case "authors":
        out.authors = childrenNamed(c, "author").map(person);
        break;
      case "supplier":
      case "manufacturer":
      case "provider":
        out[c.name] = organisation(c);
        break;
      case "components":
        if (!service) out.components = childrenNamed(c, "component").map((x) => entity(x, false));
        break;
      case "services":
        if (service) out.services = childrenNamed(c, "service").map((x) => entity(x, true));
        break;
      case "pedigree": {
        const ancestors = child(c, "ancestors");
        if (ancestors !== undefined)
          out.pedigree = { ancestors: childrenNamed(ancestors, "component").map((x) => entity(x, false)) };
        break;
      }
      case "modelCard": {
        const datasets = child(child(c, "modelParameters") ?? c, "datasets");
        if (datasets !== undefined)
          out.modelCard = { modelParameters: { datasets: datasets.children.map(dataRef) } };
        break;
      }
      case "data":
        out.data = (c.children.some((d) => d.name === "dataset") ? childrenNamed(c, "dataset") : [c]).map(
          dataRef,
        );
        break;
      default:
        break;
    }
  }
  return out;
}

function dependency(n: XNode): Record<string, unknown> {
  return { ref: n.attrs.ref, dependsOn: childrenNamed(n, "dependency").map((d) => d.attrs.ref) };
}

/** Transcodes a CycloneDX XML document into CycloneDX JSON bytes (see the module comment). */
export function cyclonedxXmlToJson(file: InputFile): Uint8Array {
  // One growing buffer (JSON is rarely longer than its XML): no chunk list to concatenate.
  const encoder = new TextEncoder();
  let out = new Uint8Array(Math.max(1024, file.bytes.length));
  let used = 0;
  const emit = (s: string): void => {
    for (;;) {
      const { read, written } = encoder.encodeInto(s, out.subarray(used));
      used += written;
      if (read === s.length) return;
      s = s.slice(read);
      const bigger = new Uint8Array(Math.ceil(out.length * 1.5) + s.length * 3);
      bigger.set(out.subarray(0, used));
      out = bigger;
    }
  };
  const parser = new SaxesParser<{ xmlns: false; position: true; fileName: string }>({
    xmlns: false,
    fileName: file.path,
    position: true,
  });
  const stack: XNode[] = [];
  /** Per top-level section: how many items were written (for commas). */
  let section: string | undefined;
  let written = 0;
  let wroteMember = false;
  let version: string | undefined;
  const member = (name: string, value: string): void => {
    emit(`${wroteMember ? "," : ""}${JSON.stringify(name)}:${value}`);
    wroteMember = true;
  };

  parser.on("opentag", (tag: SaxesTagPlain) => {
    const name = local(tag.name);
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[local(k)] = String(v);
    const node: XNode = { name, attrs, children: [], text: "" };
    const depth = stack.length;
    if (depth === 0) {
      if (name !== "bom")
        throw new WellspringError("INPUT_SCHEMA", `expected a CycloneDX <bom>, found <${name}>`, {
          file: file.path,
          field: "(document)",
        });
      version = NAMESPACE.exec(tag.attributes.xmlns ?? Object.values(tag.attributes).join(" "))?.[1];
      emit("{");
      member("bomFormat", '"CycloneDX"');
      member("specVersion", JSON.stringify(version ?? ""));
    } else if (depth === 1 && (name === "components" || name === "services" || name === "dependencies")) {
      section = name;
      written = 0;
      member(name, "[");
    }
    stack.push(node);
  });
  const onText = (t: string): void => {
    const top = stack[stack.length - 1];
    // Text is kept only inside the items being built (depth ≥ 3), or metadata (depth ≥ 2).
    if (top !== undefined && stack.length >= 3) top.text += t;
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  parser.on("closetag", () => {
    const node = stack.pop()!;
    const depth = stack.length;
    if (depth === 0) {
      emit("}");
      return;
    }
    if (depth === 1) {
      if (node.name === section) {
        emit("]");
        section = undefined;
      } else if (node.name === "metadata") {
        const root = child(node, "component");
        if (root !== undefined) member("metadata", JSON.stringify({ component: entity(root, false) }));
      }
      return;
    }
    if (depth === 2 && section !== undefined) {
      // One finished top-level item: written out and dropped from the tree.
      const value =
        section === "components" && node.name === "component"
          ? entity(node, false)
          : section === "services" && node.name === "service"
            ? entity(node, true)
            : section === "dependencies" && node.name === "dependency"
              ? dependency(node)
              : undefined;
      if (value !== undefined) emit(`${written++ > 0 ? "," : ""}${JSON.stringify(value)}`);
      return;
    }
    if (depth >= 2) stack[depth - 1]!.children.push(node);
  });

  try {
    const decoder = new TextDecoder("utf-8", { fatal: true });
    const step = 1 << 20;
    for (let at = 0; at < file.bytes.length; at += step) {
      parser.write(decoder.decode(file.bytes.subarray(at, at + step), { stream: true }));
    }
    parser.write(decoder.decode());
    parser.close();
  } catch (error) {
    if (error instanceof WellspringError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    // saxes: "<file>:<line>:<column>: <message>".
    const at = /:(\d+):(\d+): (.*)$/s.exec(message);
    throw new WellspringError("INPUT_SCHEMA", `invalid XML: ${at?.[3] ?? message}`, {
      file: file.path,
      ...(at ? { line: Number(at[1]), column: Number(at[2]) } : {}),
    });
  }
  if (version === undefined)
    throw new WellspringError("INPUT_SCHEMA", "the <bom> element names no CycloneDX namespace", {
      file: file.path,
      field: "bom.xmlns",
    });
  return out.subarray(0, used);
}

export const cyclonedxXmlParser: InputParser & {
  parse(file: InputFile, json: unknown, sink: GraphSink, ctx?: ParseContext): void;
} = {
  format: "cyclonedx-xml",
  detect(file: InputFile): boolean {
    return looksLikeCycloneDxXml(file.bytes);
  },
  parse(file: InputFile, _json: unknown, sink: GraphSink, ctx?: ParseContext): void {
    const json = { path: file.path, sha256: file.sha256, bytes: cyclonedxXmlToJson(file) };
    readCycloneDxJson(json, sink, ctx ?? directContext(sink));
  },
};

/** The format id recorded for a CycloneDX XML file: `cyclonedx-xml-<version>`. */
export function cyclonedxXmlFormat(file: InputFile): string {
  const v = cyclonedxXmlVersion(file.bytes);
  return v === undefined ? "cyclonedx-xml" : `cyclonedx-xml-${v}`;
}
