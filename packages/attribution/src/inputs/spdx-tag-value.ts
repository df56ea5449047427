/**
 * SPDX 2.2/2.3 tag-value (`.spdx`): `Tag: value` lines, multi-line values in `<text>…</text>`.
 * Transcoded into the SPDX JSON the JSON reader reads, so both encodings share one reader;
 * errors name the JSON-equivalent field (`packages[2].SPDXID`: the third `PackageName`), and
 * lines that break the tag-value syntax are named by line number.
 *
 * Read: SPDXVersion, the document's SPDXID, per package (from `PackageName`) its SPDXID,
 * PackageVersion, PackageSupplier, PackageOriginator, PackageDownloadLocation, PackageHomePage,
 * PackageLicenseConcluded, PackageLicenseDeclared, PrimaryPackagePurpose and `ExternalRef`
 * (`<category> <type> <locator>`); the SPDXIDs of files and snippets (so relationships naming
 * them are skipped); `Relationship: <a> <TYPE> <b>`. Everything else is ignored.
 */
import { WellspringError } from "../errors.ts";
import type { GraphSink, InputFile, InputParser } from "./types.ts";
import { readSpdxJson } from "./spdx.ts";

const PACKAGE_FIELDS: Record<string, string> = {
  SPDXID: "SPDXID",
  PackageVersion: "versionInfo",
  PackageSupplier: "supplier",
  PackageOriginator: "originator",
  PackageDownloadLocation: "downloadLocation",
  PackageHomePage: "homepage",
  PackageLicenseConcluded: "licenseConcluded",
  PackageLicenseDeclared: "licenseDeclared",
  PrimaryPackagePurpose: "primaryPackagePurpose",
};

/** True when the first tag of the file is `SPDXVersion:` (after comments and blank lines). */
export function looksLikeSpdxTagValue(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, "");
  for (const line of head.split(/\r?\n/)) {
    const t = line.trim();
    if (t.length === 0 || t.startsWith("#")) continue;
    return /^SPDXVersion:\s*SPDX-\d/.test(t);
  }
  return false;
}

function tagError(file: string, line: number, message: string): WellspringError {
  return new WellspringError("INPUT_SCHEMA", message, { file, line });
}

/** The SPDX JSON document a tag-value file states (only the fields the reader uses). */
export function spdxTagValueToJson(file: InputFile): Record<string, unknown> {
  const text = new TextDecoder().decode(file.bytes).replace(/^\uFEFF/, "");
  const lines = text.split(/\r?\n/);
  const doc: Record<string, unknown> = {};
  const packages: Array<Record<string, unknown>> = [];
  const files: Array<Record<string, unknown>> = [];
  const snippets: Array<Record<string, unknown>> = [];
  const relationships: Array<Record<string, unknown>> = [];
  /** The element later SPDXID / package tags belong to. */
  let current: Record<string, unknown> = doc;
  let inPackage = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!;
    if (line.trim().length === 0 || line.trimStart().startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw tagError(file.path, lineNo, `expected "Tag: value", found ${JSON.stringify(line)}`);
    const tag = line.slice(0, colon).trim();
    let value = line.slice(colon + 1).trim();
    if (value.startsWith("<text>")) {
      // Multi-line text runs to the closing </text>, possibly lines later.
      let body = value.slice("<text>".length);
      let j = i;
      while (!body.includes("</text>")) {
        j++;
        if (j >= lines.length) throw tagError(file.path, lineNo, `${tag}: <text> is never closed`);
        body += `\n${lines[j]}`;
      }
      value = body.slice(0, body.indexOf("</text>"));
      i = j;
    }
    switch (tag) {
      case "SPDXVersion":
        doc.spdxVersion = value;
        break;
      case "PackageName":
        current = { name: value };
        packages.push(current);
        inPackage = true;
        break;
      case "FileName":
        current = {};
        files.push(current);
        inPackage = false;
        break;
      case "SnippetSPDXID":
        snippets.push({ SPDXID: value });
        current = {};
        inPackage = false;
        break;
      case "Relationship": {
        const parts = value.split(/\s+/);
        if (parts.length < 3)
          throw tagError(
            file.path,
            lineNo,
            `Relationship: expected "<element> <TYPE> <element>", found "${value}"`,
          );
        relationships.push({
          spdxElementId: parts[0],
          relationshipType: parts[1],
          relatedSpdxElement: parts[2],
        });
        break;
      }
      case "ExternalRef": {
        if (!inPackage) break;
        const parts = value.split(/\s+/);
        if (parts.length < 3)
          throw tagError(
            file.path,
            lineNo,
            `ExternalRef: expected "<category> <type> <locator>", found "${value}"`,
          );
        const refs = (current.externalRefs ??= []) as unknown[];
        refs.push({ referenceCategory: parts[0], referenceType: parts[1], referenceLocator: parts[2] });
        break;
      }
      default: {
        if (tag === "SPDXID") current.SPDXID = value;
        else if (inPackage && PACKAGE_FIELDS[tag] !== undefined) current[PACKAGE_FIELDS[tag]] = value;
      }
    }
  }
  return { ...doc, packages, files, snippets, relationships };
}

export const spdxTagValueParser: InputParser = {
  format: "spdx-tag-value",
  detect(file: InputFile): boolean {
    return looksLikeSpdxTagValue(file.bytes);
  },
  parse(file: InputFile, _json: unknown, sink: GraphSink): void {
    const json = new TextEncoder().encode(JSON.stringify(spdxTagValueToJson(file)));
    readSpdxJson({ path: file.path, sha256: file.sha256, bytes: json }, sink);
  },
};

/** `spdx-2.3-tag-value` (the version from the SPDXVersion line). */
export function spdxTagValueFormat(file: InputFile): string {
  const m = /SPDXVersion:\s*(SPDX-[\d.]+)/.exec(new TextDecoder().decode(file.bytes.subarray(0, 4096)));
  return m === null ? "spdx-tag-value" : `${m[1]!.toLowerCase()}-tag-value`;
}
