/**
 * What an SBOM document declares, counted without the attribution engine: its format (from
 * the content) and how many components it declares. `scripts/corpus-status.ts` compares this
 * count with what the engine made of the document, so a component the readers drop shows up
 * even when the run succeeds.
 *
 * Counted as declared:
 * - CycloneDX (JSON and XML): `metadata.component`, `components[]` and `services[]`, nested
 *   ones included (not tools, pedigree, formulation or other embedded BOM parts);
 * - SPDX 2 JSON: `packages[]`; SPDX 2 tag-value: `PackageName:` lines;
 * - SPDX 3 JSON-LD: `@graph` elements of a package type (software, AI, dataset).
 */

export interface Census {
  /** e.g. `cyclonedx-json-1.7`, `cyclonedx-xml-1.2`, `spdx-json-2.3`, `spdx-tag-value-2.2`, `spdx3-jsonld-3.0.1` */
  format: string;
  declared: number;
}

const SPDX3_PACKAGE_TYPES = new Set(["software_Package", "ai_AIPackage", "dataset_DatasetPackage"]);

export function census(bytes: Uint8Array): Census {
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "");
  const start = text.trimStart();
  if (start.startsWith("<")) return xmlCensus(text);
  if (start.startsWith("{")) return jsonCensus(text);
  const tagValue = /^SPDXVersion:\s*SPDX-(\S+)/m.exec(text);
  if (tagValue !== null)
    return { format: `spdx-tag-value-${tagValue[1]}`, declared: countMatches(text, /^PackageName:/gm) };
  return { format: "unknown", declared: 0 };
}

function jsonCensus(text: string): Census {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { format: "json (invalid)", declared: 0 };
  }
  if (!isObject(doc)) return { format: "json (not an object)", declared: 0 };
  if (doc.bomFormat === "CycloneDX") {
    const metadata = isObject(doc.metadata) ? doc.metadata : {};
    const declared =
      (isObject(metadata.component) ? countTree([metadata.component], "components") : 0) +
      countTree(doc.components, "components") +
      countTree(doc.services, "services");
    return { format: `cyclonedx-json-${String(doc.specVersion)}`, declared };
  }
  if (typeof doc.spdxVersion === "string") {
    const packages = Array.isArray(doc.packages) ? doc.packages.length : 0;
    return { format: `spdx-json-${doc.spdxVersion.replace(/^SPDX-/, "")}`, declared: packages };
  }
  if (Array.isArray(doc["@graph"])) {
    const graph = doc["@graph"].filter(isObject);
    const info = graph.find((e) => e.type === "CreationInfo");
    const version = info !== undefined ? String(info.specVersion) : "?";
    const declared = graph.filter(
      (e) => typeof e.type === "string" && SPDX3_PACKAGE_TYPES.has(e.type),
    ).length;
    return { format: `spdx3-jsonld-${version}`, declared };
  }
  return { format: "json (unknown)", declared: 0 };
}

/** Entries of `list` and of their nested `child` lists, recursively. */
function countTree(list: unknown, child: "components" | "services"): number {
  if (!Array.isArray(list)) return 0;
  let n = 0;
  for (const item of list) n += 1 + (isObject(item) ? countTree(item[child], child) : 0);
  return n;
}

const DECLARED_XML_PATH = [
  /^bom\/(metadata\/component|components\/component)(\/components\/component)*$/,
  /^bom\/services\/service(\/services\/service)*$/,
];

/** A structural walk over the tags (no XML library: comments, CDATA, PIs and DTDs are cut first). */
function xmlCensus(text: string): Census {
  const body = text
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "")
    .replace(/<\?[\s\S]*?\?>/g, "")
    .replace(/<!DOCTYPE[^>]*>/gi, "");
  const version = /xmlns(?::\w+)?\s*=\s*["']http:\/\/cyclonedx\.org\/schema\/bom\/([\d.]+)["']/.exec(
    body,
  )?.[1];
  const stack: string[] = [];
  let declared = 0;
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    const [, closing, qname, selfClosing] = m;
    const name = qname!.replace(/^[^:]*:/, "");
    if (closing === "/") {
      stack.pop();
      continue;
    }
    stack.push(name);
    const path = stack.join("/");
    if (DECLARED_XML_PATH.some((re) => re.test(path))) declared++;
    if (selfClosing === "/") stack.pop();
  }
  const format = version !== undefined && stack.length === 0 ? `cyclonedx-xml-${version}` : "xml (unknown)";
  return { format, declared };
}

function countMatches(text: string, re: RegExp): number {
  return text.match(re)?.length ?? 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
