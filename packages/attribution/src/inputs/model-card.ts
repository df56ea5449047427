/**
 * Hugging Face model cards: the YAML front matter of a model repository's README.md.
 * Read: `base_model` (string or list) -> fineTunedFrom, `datasets` -> trainedOn, `license`.
 * The card does not name its own repository, so the model's id comes from `model_id`, the
 * first `model-index` name, or the folder holding the README, in that order.
 */
import { parse as parseYaml } from "yaml";
import type { ComponentInfo, GraphSink, InputFile, InputParser } from "./types.ts";
import { datasetKey, modelKey } from "./keys.ts";
import { check, directContext, ROOT_MANIFEST, schemaError, z, type ParseContext } from "./schema.ts";
import { WellspringError } from "../errors.ts";

const StringOrList = z.union([z.string(), z.array(z.string())]);
const CardSchema = z.looseObject({
  model_id: z.string().optional(),
  license: z.string().optional(),
  license_name: z.string().optional(),
  base_model: StringOrList.optional(),
  datasets: StringOrList.optional(),
  "model-index": z.array(z.looseObject({ name: z.string().optional() })).optional(),
});

/** Hugging Face license ids -> SPDX ids (the Hub uses lowercase); others become LicenseRefs. */
const SPDX_IDS = [
  "Apache-2.0",
  "MIT",
  "BSD-2-Clause",
  "BSD-3-Clause",
  "BSD-3-Clause-Clear",
  "BSL-1.0",
  "CC0-1.0",
  "CC-BY-2.0",
  "CC-BY-2.5",
  "CC-BY-3.0",
  "CC-BY-4.0",
  "CC-BY-SA-3.0",
  "CC-BY-SA-4.0",
  "CC-BY-NC-2.0",
  "CC-BY-NC-3.0",
  "CC-BY-NC-4.0",
  "CC-BY-ND-4.0",
  "CC-BY-NC-ND-3.0",
  "CC-BY-NC-ND-4.0",
  "CC-BY-NC-SA-2.0",
  "CC-BY-NC-SA-3.0",
  "CC-BY-NC-SA-4.0",
  "CDLA-Sharing-1.0",
  "CDLA-Permissive-1.0",
  "CDLA-Permissive-2.0",
  "WTFPL",
  "ECL-2.0",
  "EPL-1.0",
  "EPL-2.0",
  "EUPL-1.1",
  "EUPL-1.2",
  "AFL-3.0",
  "AGPL-3.0",
  "GPL-2.0",
  "GPL-3.0",
  "LGPL-2.1",
  "LGPL-3.0",
  "LGPL-LR",
  "ISC",
  "MPL-2.0",
  "NCSA",
  "ODbL-1.0",
  "ODC-By-1.0",
  "PDDL-1.0",
  "OSL-3.0",
  "PostgreSQL",
  "OFL-1.1",
  "Unlicense",
  "Artistic-2.0",
  "Zlib",
  "GFDL-1.3",
  "C-UDA-1.0",
];
const SPDX_BY_LOWER = new Map(SPDX_IDS.map((id) => [id.toLowerCase(), id]));

export function hubLicense(id: string, name?: string): string {
  const lower = id.trim().toLowerCase();
  const spdx = SPDX_BY_LOWER.get(lower);
  if (spdx !== undefined) return spdx;
  // "other" names the license in license_name.
  const tail = lower === "other" && name !== undefined ? name : lower;
  return `LicenseRef-${tail.replace(/[^A-Za-z0-9.-]+/g, "-")}`;
}

/** The YAML between a leading `---` line and the next `---` line, with its first line number. */
export function frontMatter(text: string): { yaml: string; line: number } | undefined {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (!text.startsWith("---", start)) return undefined;
  const firstNl = text.indexOf("\n", start);
  if (firstNl < 0 || text.slice(start, firstNl).trim() !== "---") return undefined;
  let p = firstNl + 1;
  while (p <= text.length) {
    let e = text.indexOf("\n", p);
    if (e < 0) e = text.length;
    const line = text.slice(p, e).trim();
    if (line === "---" || line === "...") return { yaml: text.slice(firstNl + 1, p), line: 2 };
    p = e + 1;
  }
  return undefined;
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((s) => s.trim()).filter((s) => s.length > 0);
}

function folderName(path: string): string | undefined {
  const parts = path
    .replaceAll("\\", "/")
    .split("/")
    .filter((p) => p.length > 0 && p !== ".");
  parts.pop();
  return parts.pop();
}

export function parseModelCard(
  file: InputFile,
  sink: GraphSink,
  ctx: ParseContext = directContext(sink),
): void {
  const path = file.path;
  const text = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength).toString("utf8");
  const fm = frontMatter(text);
  if (fm === undefined)
    throw schemaError(
      path,
      "(front matter)",
      "a model card starts with YAML front matter between '---' lines",
    );
  let data: unknown;
  try {
    data = parseYaml(fm.yaml, { prettyErrors: true });
  } catch (error) {
    const linePos = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    throw new WellspringError(
      "INPUT_SCHEMA",
      `invalid YAML front matter: ${(error as Error).message.split("\n")[0]}`,
      {
        file: path,
        field: "(front matter)",
        ...(linePos !== undefined ? { line: linePos.line + fm.line - 1, column: linePos.col } : {}),
        cause: error,
      },
    );
  }
  const card = check(CardSchema, data ?? {}, path, "");
  const id = card.model_id ?? card["model-index"]?.[0]?.name ?? folderName(path);
  if (id === undefined)
    throw schemaError(path, "model_id", "cannot tell which model this card describes: add model_id");
  const key = modelKey(id);
  const datasets = list(card.datasets);
  const info: ComponentInfo = { kind: "model", name: id, availability: { weights: true } };
  if (datasets.length > 0) info.availability = { weights: true, data: true };
  if (card.license !== undefined) info.license = hubLicense(card.license, card.license_name);
  sink.component(key, info, { file: path, field: "(front matter)" });
  list(card.base_model).forEach((base, i) => {
    const baseKey = modelKey(base);
    const field = Array.isArray(card.base_model) ? `base_model[${i}]` : "base_model";
    sink.component(baseKey, { kind: "model", name: base }, { file: path, field });
    sink.edge(key, baseKey, "fineTunedFrom", { file: path, field });
  });
  datasets.forEach((name, i) => {
    const dKey = datasetKey(name);
    const field = Array.isArray(card.datasets) ? `datasets[${i}]` : "datasets";
    sink.component(dKey, { kind: "dataset", name, availability: { data: true } }, { file: path, field });
    sink.edge(key, dKey, "trainedOn", { file: path, field });
  });
  ctx.proposeRoot(key, { file: path, field: "(front matter)" }, ROOT_MANIFEST);
}

// `license` alone is not enough: other Markdown front matter (docs sites) has it too.
const CARD_KEYS = ["base_model", "datasets", "library_name", "pipeline_tag", "model-index", "model_id"];

export const modelCardParser: InputParser & {
  parse(file: InputFile, json: unknown, sink: GraphSink, ctx?: ParseContext): void;
} = {
  format: "hf-model-card",
  detect(file: InputFile, json: unknown): boolean {
    if (json !== undefined) return false;
    const head = Buffer.from(
      file.bytes.buffer,
      file.bytes.byteOffset,
      Math.min(file.bytes.byteLength, 65536),
    ).toString("utf8");
    const fm = frontMatter(head);
    if (fm === undefined) return false;
    // A card names at least one Hub field at the start of a line.
    return fm.yaml.split("\n").some((line) => CARD_KEYS.some((k) => line.startsWith(`${k}:`)));
  },
  parse(file: InputFile, _json: unknown, sink: GraphSink, ctx?: ParseContext): void {
    parseModelCard(file, sink, ctx ?? directContext(sink));
  },
};
