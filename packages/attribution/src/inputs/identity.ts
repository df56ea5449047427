/**
 * Canonical contributor identities. Raw e-mail addresses never leave this module: an address
 * becomes `github:<id>` / `github:<login>` when it is a GitHub noreply address, and
 * `email-sha256:<hex>` (of the trimmed, lowercased address) otherwise.
 */
import { hash } from "node:crypto";
import { isAddress } from "../account.ts";
import { normaliseRepositoryUrl } from "./keys.ts";

// One address rule for the whole engine (0x and 40 hex digits; `0X…` is a name, not an address).
export { isAddress };

const NOREPLY = "@users.noreply.github.com";

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** GitHub logins: alphanumerics and single hyphens, at most 39 characters (bots end in `[bot]`). */
export function isGitHubLogin(s: string): boolean {
  if (s.length === 0 || s.length > 45) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      c === 0x2d ||
      c === 0x5b ||
      c === 0x5d ||
      c === 0x5f;
    if (!ok) return false;
  }
  return true;
}

export function sha256Hex(text: string): string {
  // The one-shot hash avoids a Hash object per identity (10^6 of them in big inputs).
  return hash("sha256", text, "hex");
}

/** True for GitHub App / bot accounts, which are not people and are never paid. */
export function isBotIdentityEmail(email: string): boolean {
  const e = email.trim().toLowerCase();
  return e.endsWith(NOREPLY) && e.slice(0, -NOREPLY.length).endsWith("[bot]");
}

/** The canonical identity of an e-mail address, or undefined for an empty one. */
export function emailIdentity(email: string): string | undefined {
  const e = email.trim().toLowerCase();
  if (e.length === 0) return undefined;
  if (e.endsWith(NOREPLY)) {
    const local = e.slice(0, -NOREPLY.length);
    const plus = local.indexOf("+");
    if (plus > 0 && isDigits(local.slice(0, plus))) return `github:${local.slice(0, plus)}`;
    if (isGitHubLogin(local)) return `github:${local}`;
  }
  return `email-sha256:${sha256Hex(e)}`;
}

/** `github:<login>` for a github.com URL naming a user or organisation (`/sponsors/x` too). */
export function gitHubOwnerIdentity(url: string): string | undefined {
  const normalised = normaliseRepositoryUrl(url);
  if (!normalised.startsWith("github.com/")) return undefined;
  const parts = normalised.slice("github.com/".length).split("/");
  let login = parts[0];
  if (login === "sponsors" || login === "orgs") login = parts[1];
  if (login === undefined || !isGitHubLogin(login)) return undefined;
  return `github:${login.toLowerCase()}`;
}

/**
 * The owner of the first GitHub location among a package's own (an SPDX package's download
 * location, then its home page): who a package names no people is credited to, in every SPDX
 * version alike. `field` says which location it came from.
 */
export function firstGitHubOwner<F extends string>(
  locations: readonly (readonly [field: F, url: string | undefined])[],
): { field: F; identity: string } | undefined {
  for (const [field, url] of locations) {
    const identity = url === undefined ? undefined : gitHubOwnerIdentity(url);
    if (identity !== undefined) return { field, identity };
  }
  return undefined;
}

const FUNDING_PLATFORMS: Record<string, string> = {
  "opencollective.com": "opencollective",
  "patreon.com": "patreon",
  "ko-fi.com": "ko-fi",
  "liberapay.com": "liberapay",
  "buymeacoffee.com": "buymeacoffee",
  "polar.sh": "polar",
  "thanks.dev": "thanks.dev",
};

/**
 * The identity a funding URL stands for: GitHub Sponsors -> `github:<login>`, known platforms
 * -> `<platform>:<account>`, other URLs -> `url:<host/path>` (an attestor can verify any of
 * them by a file or profile at that place).
 */
export function fundingUrlIdentity(url: string): string | undefined {
  const trimmed = url.trim();
  if (trimmed.length === 0) return undefined;
  const github = gitHubOwnerIdentity(trimmed);
  if (github !== undefined) return github;
  const normalised = normaliseRepositoryUrl(trimmed);
  const slash = normalised.indexOf("/");
  const host = slash >= 0 ? normalised.slice(0, slash) : normalised;
  const platform = FUNDING_PLATFORMS[host];
  if (platform !== undefined && slash >= 0) {
    const account = normalised.slice(slash + 1).split("/")[0];
    if (account !== undefined && account.length > 0) return `${platform}:${account.toLowerCase()}`;
  }
  if (!trimmed.includes("://")) return undefined;
  return `url:${normalised}`;
}

export function addressIdentity(s: string): `0x${string}` {
  return `0x${s.slice(2).toLowerCase()}`;
}

export interface Person {
  name?: string | undefined;
  email?: string | undefined;
  url?: string | undefined;
}

/** Parses npm's person string `Name <email> (url)`; each part is optional. No regex. */
export function parsePersonString(input: string): Person {
  let s = input;
  const person: Person = {};
  const lt = s.indexOf("<");
  const gt = lt >= 0 ? s.indexOf(">", lt) : -1;
  if (lt >= 0 && gt > lt) {
    const email = s.slice(lt + 1, gt).trim();
    if (email.length > 0) person.email = email;
    s = s.slice(0, lt) + s.slice(gt + 1);
  }
  const lp = s.indexOf("(");
  const rp = lp >= 0 ? s.indexOf(")", lp) : -1;
  if (lp >= 0 && rp > lp) {
    const url = s.slice(lp + 1, rp).trim();
    if (url.length > 0) person.url = url;
    s = s.slice(0, lp) + s.slice(rp + 1);
  }
  const name = s.trim();
  if (name.length > 0) {
    // A bare e-mail address as the whole string.
    if (person.email === undefined && name.includes("@") && !name.includes(" ") && name.indexOf("@") > 0)
      person.email = name;
    else person.name = name;
  }
  return person;
}

/** npm user names: lowercase, URL-safe, no spaces. */
function isNpmUser(s: string): boolean {
  if (s.length === 0 || s.length > 214) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f;
    if (!ok) return false;
  }
  return true;
}

/**
 * The identity of a declared person: an address as name, a GitHub profile URL, an e-mail,
 * or (for npm maintainers, whose `name` is the registry user) `npm:<user>`. Undefined when
 * the person carries nothing verifiable (a bare display name).
 */
export function personIdentity(person: Person, options: { npmUserName?: boolean } = {}): string | undefined {
  const name = person.name?.trim();
  if (name !== undefined && isAddress(name)) return addressIdentity(name);
  if (person.url !== undefined) {
    const github = gitHubOwnerIdentity(person.url);
    if (github !== undefined) return github;
  }
  if (person.email !== undefined && person.email.includes("@")) return emailIdentity(person.email);
  if (options.npmUserName === true && name !== undefined && isNpmUser(name)) return `npm:${name}`;
  return undefined;
}
