import type { Address } from "viem";
import { guardedGet } from "./guarded-fetch.ts";
import { namesPayee } from "./manifest.ts";
import { refusal } from "./refusal.ts";
import {
  MANIFEST_FILE_NAMES,
  MAX_MANIFEST_BYTES,
  type IdentityProof,
  type IdentityVerifier,
  type VerifiedManifest,
} from "./verifier.ts";

export interface WellKnownVerifierOptions {
  /** `http` only for a local stand-in (ATTESTOR_ALLOW_LOCAL_HTTP); production is https. */
  scheme: "https" | "http";
  allowPrivate: boolean;
  timeoutMs?: number;
}

/** `url:<host>` or `url:<host>:<port>`: the identity of a project domain (see fundingUrlIdentity). */
const DOMAIN = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::\d{1,5})?$/;
const MAX_LISTED = 5;

/**
 * Proves `url:<domain>` the way FLOSS/fund does: the domain serves
 * `/.well-known/funding-manifest-urls`, one manifest URL per line, and a manifest at one of those
 * URLs names the payee. Only whoever controls the domain's web root can publish that list.
 */
export class WellKnownVerifier implements IdentityVerifier {
  readonly method = "well-known" as const;
  readonly prefix = "url:";

  constructor(private readonly options: WellKnownVerifierOptions) {}

  async verify(identity: string, payee: Address, proof: IdentityProof): Promise<VerifiedManifest> {
    if (proof.method !== "well-known") throw new Error("WellKnownVerifier got another proof method");
    const domain = identity.slice(this.prefix.length);
    if (!DOMAIN.test(domain)) {
      throw refusal(
        "METHOD_UNSUPPORTED",
        `${identity} is not a domain identity`,
        "a project domain is proved as url:<domain> (no path), e.g. url:example.org",
      );
    }
    const listUrl = new URL(`${this.options.scheme}://${domain}/.well-known/funding-manifest-urls`);
    const next = `publish ${listUrl.href} listing the URL of a funding.json whose funding.channels[].address is ${payee}, then retry`;
    const list = await this.get(listUrl);
    if (list.status !== 200) {
      throw refusal("MANIFEST_NOT_FOUND", `${listUrl.href} answered ${list.status}`, next);
    }
    const listed = list.body
      .toString("utf8")
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith("#"));
    let urls: string[];
    if (proof.manifestUrl !== undefined) {
      if (!listed.includes(proof.manifestUrl)) {
        throw refusal(
          "DOMAIN_NOT_AUTHORISED",
          `${listUrl.href} does not list ${proof.manifestUrl}`,
          `add the line ${proof.manifestUrl} to it, then retry`,
        );
      }
      urls = [proof.manifestUrl];
    } else {
      urls = listed.slice(0, MAX_LISTED);
    }
    if (urls.length === 0) throw refusal("MANIFEST_NOT_FOUND", `${listUrl.href} lists no manifest URL`, next);

    const tried: string[] = [];
    for (const text of urls) {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        continue;
      }
      if (url.protocol !== `${this.options.scheme}:`) continue;
      const answer = await this.get(url);
      tried.push(`${url.href} (${answer.status})`);
      if (answer.status !== 200) continue;
      const last = url.pathname.split("/").pop() ?? "";
      const name = (MANIFEST_FILE_NAMES as readonly string[]).includes(last) ? last : "funding.json";
      if (namesPayee(name, answer.body, payee)) {
        return { name, content: new Uint8Array(answer.body), source: url.href };
      }
    }
    if (tried.length === 0) {
      throw refusal(
        "MANIFEST_NOT_FOUND",
        `${listUrl.href} lists no ${this.options.scheme} URL the attestor can read`,
        next,
      );
    }
    throw refusal(
      "PAYEE_NOT_NAMED",
      `no manifest listed by ${listUrl.href} names ${payee} as a payout address`,
      `tried ${tried.join(", ")}; ${next}`,
    );
  }

  private get(url: URL) {
    return guardedGet(url, {
      allowPrivate: this.options.allowPrivate,
      maxBytes: MAX_MANIFEST_BYTES,
      timeoutMs: this.options.timeoutMs ?? 10_000,
    });
  }
}
