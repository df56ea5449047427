import type { Address } from "viem";
import { namesPayee } from "./manifest.ts";
import { refusal } from "./refusal.ts";
import {
  MANIFEST_FILE_NAMES,
  MAX_MANIFEST_BYTES,
  type IdentityProof,
  type IdentityVerifier,
  type VerifiedManifest,
} from "./verifier.ts";

export interface GitHubVerifierOptions {
  /** GITHUB_API_URL, e.g. https://api.github.com (a stand-in in tests). */
  apiUrl: string;
  /** GITHUB_TOKEN: raises the rate limit from 60 to 5,000 requests an hour. */
  token?: string | undefined;
  timeoutMs?: number;
}

interface Account {
  login: string;
  id: number;
}

type Answer<T> = { found: true; body: T; url: string } | { found: false; url: string };

const LOGIN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/i;
const REPOSITORY = /^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;
const GIST = /^[0-9a-f]{1,64}$/i;

/**
 * Proves `github:<login>` (or `github:<numeric id>`, as the engine names accounts known by their
 * noreply e-mail) through GitHub's REST API: a funding manifest naming the payee at the root of
 * `<login>/.github`, of the profile repository `<login>/<login>`, of a repository of the account
 * the request names, or in a gist of the account. Only the account (or its organisation's
 * admins) can write there. The account's numeric id comes back as `subjectId`, so the service can
 * refuse a reused login that now belongs to someone else.
 */
export class GitHubVerifier implements IdentityVerifier {
  readonly method = "github" as const;
  readonly prefix = "github:";
  private readonly base: string;

  constructor(private readonly options: GitHubVerifierOptions) {
    this.base = options.apiUrl.replace(/\/+$/, "");
  }

  async verify(identity: string, payee: Address, proof: IdentityProof): Promise<VerifiedManifest> {
    if (proof.method !== "github") throw new Error("GitHubVerifier got another proof method");
    const handle = identity.slice(this.prefix.length);
    const account = await this.account(handle);
    const where = `github.com/${account.login}`;
    const next =
      `put a funding.json whose funding.channels[].address is ${payee} at the root of ${where}/.github, ` +
      `of ${where}/${account.login}, or of any repository you own (name it in proof.repository), ` +
      `or in a gist (proof.gist), then retry`;

    const candidates: Array<{ name: string; content: Uint8Array; url: string }> = [];
    const looked: string[] = [];
    if (proof.gist !== undefined) {
      if (!GIST.test(proof.gist)) throw refusal("NOT_OWNER", `proof.gist "${proof.gist}" is not a gist id`);
      const gist = await this.get<{
        owner: Account | null;
        files: Record<string, { filename: string; content?: string; truncated?: boolean; size: number }>;
      }>(`/gists/${proof.gist}`);
      looked.push(`gist ${proof.gist}`);
      if (gist.found) {
        if (gist.body.owner?.id !== account.id) {
          throw refusal(
            "NOT_OWNER",
            `gist ${proof.gist} is not owned by ${account.login}`,
            `create the gist while signed in as ${account.login}, then retry`,
          );
        }
        for (const name of MANIFEST_FILE_NAMES) {
          const file = gist.body.files[name];
          if (!file) continue;
          if (file.truncated || file.content === undefined || file.size > MAX_MANIFEST_BYTES) {
            throw refusal("MANIFEST_INVALID", `${name} in gist ${proof.gist} is larger than 256 KiB`);
          }
          candidates.push({ name, content: Buffer.from(file.content, "utf8"), url: gist.url });
        }
      }
    } else {
      if (proof.repository !== undefined && !REPOSITORY.test(proof.repository)) {
        throw refusal("NOT_OWNER", `proof.repository "${proof.repository}" is not a repository name`);
      }
      const repositories = proof.repository !== undefined ? [proof.repository] : [".github", account.login];
      for (const repository of repositories) {
        looked.push(`${where}/${repository}`);
        const repo = await this.get<{ owner: Account }>(`/repos/${account.login}/${repository}`);
        if (!repo.found) continue;
        // A renamed or transferred repository answers with its new owner: only the account's own count.
        if (repo.body.owner.id !== account.id) {
          if (proof.repository === undefined) continue;
          throw refusal(
            "NOT_OWNER",
            `${where}/${repository} is owned by ${repo.body.owner.login}, not ${account.login}`,
            next,
          );
        }
        for (const name of MANIFEST_FILE_NAMES) {
          const file = await this.get<{ type: string; encoding?: string; content?: string; size: number }>(
            `/repos/${account.login}/${repository}/contents/${name}`,
          );
          if (!file.found || file.body.type !== "file") continue;
          if (file.body.size > MAX_MANIFEST_BYTES || file.body.encoding !== "base64") {
            throw refusal("MANIFEST_INVALID", `${where}/${repository}/${name} is larger than 256 KiB`);
          }
          candidates.push({ name, content: Buffer.from(file.body.content ?? "", "base64"), url: file.url });
        }
      }
    }
    if (candidates.length === 0) {
      throw refusal("MANIFEST_NOT_FOUND", `no funding.json or FUNDING.json in ${looked.join(", ")}`, next);
    }
    let invalid: unknown;
    for (const candidate of candidates) {
      try {
        if (namesPayee(candidate.name, candidate.content, payee)) {
          return {
            name: candidate.name,
            content: candidate.content,
            source: candidate.url,
            subjectId: String(account.id),
          };
        }
      } catch (error) {
        invalid ??= error;
      }
    }
    if (invalid !== undefined && candidates.length === 1) throw invalid;
    throw refusal(
      "PAYEE_NOT_NAMED",
      `the funding manifest in ${candidates.map((c) => c.url).join(", ")} does not name ${payee} as a payout address`,
      next,
    );
  }

  /**
   * The account an OAuth user token belongs to (`GET /user`), for "Sign in with GitHub"
   * (attestor/github-oauth.ts): the login and its stable numeric id.
   */
  async authenticatedUser(token: string): Promise<{ login: string; id: number }> {
    const user = await this.get<Account>("/user", token);
    if (!user.found)
      throw refusal("NOT_OWNER", "GitHub did not accept the sign-in", "sign in with GitHub again");
    return { login: user.body.login, id: user.body.id };
  }

  /** The account behind a login (`GET /users/{login}`) or a numeric id (`GET /user/{id}`). */
  private async account(handle: string): Promise<Account> {
    const byId = /^[0-9]{1,20}$/.test(handle);
    if (!byId && !LOGIN.test(handle)) {
      throw refusal("ACCOUNT_NOT_FOUND", `"${handle}" is not a GitHub login`, "use github:<login>");
    }
    const user = await this.get<Account>(byId ? `/user/${handle}` : `/users/${handle}`);
    const matches =
      user.found &&
      (byId ? String(user.body.id) === handle : user.body.login.toLowerCase() === handle.toLowerCase());
    if (!user.found || !matches) {
      throw refusal(
        "ACCOUNT_NOT_FOUND",
        `GitHub has no account ${handle}`,
        "check the identity: github:<login> as in https://github.com/<login>",
      );
    }
    return { login: user.body.login, id: user.body.id };
  }

  /**
   * One REST call. 404 (and a 403 that is not a rate limit: a blocked or private resource) is
   * "not there"; a rate limit or an outage is a retryable refusal that says when to retry.
   */
  private async get<T>(path: string, token = this.options.token): Promise<Answer<T>> {
    const url = `${this.base}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          accept: "application/vnd.github+json",
          "x-github-api-version": "2022-11-28",
          "user-agent": "wellspring-attestor",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw refusal(
        "SOURCE_UNAVAILABLE",
        "GitHub could not be reached; retry later with a new signed request",
        error instanceof Error ? error.message : String(error),
      );
    }
    const limited =
      response.status === 429 ||
      (response.status === 403 &&
        (response.headers.get("x-ratelimit-remaining") === "0" || response.headers.has("retry-after")));
    if (limited) {
      await response.body?.cancel();
      const reset = Number(response.headers.get("x-ratelimit-reset"));
      const retryAfter = Number(response.headers.get("retry-after"));
      const wait =
        Number.isFinite(retryAfter) && retryAfter > 0
          ? retryAfter
          : Number.isFinite(reset) && reset > 0
            ? Math.max(0, Math.ceil(reset - Date.now() / 1000))
            : 60;
      throw refusal(
        "SOURCE_RATE_LIMITED",
        `GitHub's rate limit is exhausted; retry in ${wait} seconds with a new signed request`,
        `retry-after ${wait}`,
      );
    }
    if (response.status === 404 || response.status === 403 || response.status === 451) {
      await response.body?.cancel();
      return { found: false, url };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw refusal(
        "SOURCE_UNAVAILABLE",
        `GitHub answered ${response.status}; retry later with a new signed request`,
        `GET ${path}`,
      );
    }
    return { found: true, body: (await response.json()) as T, url };
  }
}
