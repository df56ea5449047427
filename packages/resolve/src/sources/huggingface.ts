/**
 * Hugging Face Hub: `GET <base>/api/models/<id>` and `GET <base>/api/datasets/<id>`. The repo's
 * namespace (`author`) is the account that publishes it (`huggingface:<namespace>`); the card's
 * license comes from `cardData.license`.
 */
import type { HttpClient } from "../http.ts";
import {
  addMaintainer,
  answerFromHttp,
  emptyFacts,
  isRecord,
  parseBody,
  str,
  type Answer,
  type Facts,
} from "../facts.ts";

const SOURCE = "huggingface";

export async function resolveHuggingFace(
  http: HttpClient,
  base: string,
  kind: "model" | "dataset",
  id: string,
): Promise<Answer> {
  const path = id.split("/").map(encodeURIComponent).join("/");
  const r = await http.get(`${base}api/${kind === "model" ? "models" : "datasets"}/${path}`);
  if (!r.ok) return answerFromHttp(SOURCE, r);
  const doc = parseBody(SOURCE, r.body);
  if (!isRecord(doc)) return { status: "failed", source: SOURCE, reason: "bad-response" };
  return { status: "resolved", source: SOURCE, facts: huggingFaceFacts(doc, id) };
}

export function huggingFaceFacts(doc: Record<string, unknown>, id: string): Facts {
  const facts = emptyFacts();
  const namespace = str(doc.author) ?? (id.includes("/") ? id.split("/")[0] : undefined);
  if (namespace !== undefined) addMaintainer(facts, `huggingface:${namespace.toLowerCase()}`, "account");
  const card = isRecord(doc.cardData) ? doc.cardData : {};
  const license = Array.isArray(card.license)
    ? card.license.filter((l) => typeof l === "string").join(" AND ")
    : str(card.license);
  if (license !== undefined && license !== "") facts.license = license;
  return facts;
}
