import { createHash, randomBytes } from "node:crypto";
import type { GitHubVerifier } from "./github.ts";
import { refusal } from "./refusal.ts";

export interface GitHubOAuthOptions {
  /** GITHUB_OAUTH_URL, e.g. https://github.com (a stand-in in tests). */
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  /** Reads `GET /user` with the user's token (GITHUB_API_URL). */
  github: GitHubVerifier;
  timeoutMs?: number;
}

/** What `/login/oauth/access_token` answers (GitHub's docs): a token, or an error with a description. */
interface TokenAnswer {
  access_token?: string;
  token_type?: string;
  scope?: string;
  error?: string;
  error_description?: string;
}

const base64url = (bytes: Buffer) => bytes.toString("base64url");

/** A PKCE pair (RFC 7636, S256): the verifier stays on the server, the challenge goes to GitHub. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash("sha256").update(verifier).digest()) };
}

/**
 * "Sign in with GitHub" (OAuth web flow, docs.github.com "Authorizing OAuth apps"): the browser is
 * sent to `/login/oauth/authorize` with the app's client id, a state and a PKCE challenge; GitHub
 * sends it back with a code, which is exchanged at `/login/oauth/access_token` for a user token;
 * `GET /user` with it names the account that signed in. No scope is asked: the public profile is
 * all the attestor reads. The token is used once and dropped.
 */
export class GitHubOAuth {
  private readonly base: string;

  constructor(private readonly options: GitHubOAuthOptions) {
    this.base = options.oauthUrl.replace(/\/+$/, "");
  }

  authorizeUrl(state: string, challenge: string, redirectUri: string): string {
    const query = new URLSearchParams({
      client_id: this.options.clientId,
      redirect_uri: redirectUri,
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
      allow_signup: "false",
    });
    return `${this.base}/login/oauth/authorize?${query}`;
  }

  /** The account that signed in: the code exchanged for a token, then `GET /user`. */
  async account(code: string, verifier: string, redirectUri: string): Promise<{ login: string; id: number }> {
    let answer: TokenAnswer;
    try {
      const response = await fetch(`${this.base}/login/oauth/access_token`, {
        method: "POST",
        headers: {
          accept: "application/json",
          "content-type": "application/json",
          "user-agent": "wellspring-attestor",
        },
        body: JSON.stringify({
          client_id: this.options.clientId,
          client_secret: this.options.clientSecret,
          code,
          redirect_uri: redirectUri,
          code_verifier: verifier,
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`GitHub answered ${response.status}`);
      answer = (await response.json()) as TokenAnswer;
    } catch (error) {
      throw refusal(
        "SOURCE_UNAVAILABLE",
        "GitHub's sign-in could not be completed; sign in with GitHub again",
        error instanceof Error ? error.message : String(error),
      );
    }
    if (!answer.access_token) {
      throw refusal(
        "NOT_OWNER",
        `GitHub refused the sign-in (${answer.error ?? "no token"}${answer.error_description ? `: ${answer.error_description}` : ""})`,
        "sign in with GitHub again",
      );
    }
    return this.options.github.authenticatedUser(answer.access_token);
  }
}

/**
 * Sign-ins under way, by state: the signed binding request and the PKCE verifier, for 10 minutes,
 * used once. In memory: the callback must reach the instance that started the sign-in.
 */
export class OAuthStates<T> {
  private readonly pending = new Map<string, { value: T; verifier: string; expires: number }>();

  constructor(
    private readonly ttlMs = 600_000,
    private readonly max = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  start(value: T): { state: string; challenge: string } {
    const t = this.now();
    for (const [key, entry] of this.pending) if (entry.expires <= t) this.pending.delete(key);
    if (this.pending.size >= this.max) this.pending.delete(this.pending.keys().next().value!);
    const state = base64url(randomBytes(24));
    const { verifier, challenge } = pkcePair();
    this.pending.set(state, { value, verifier, expires: t + this.ttlMs });
    return { state, challenge };
  }

  /** The sign-in of `state`, removed (a state is good once); undefined when unknown or expired. */
  take(state: string): { value: T; verifier: string } | undefined {
    const entry = this.pending.get(state);
    this.pending.delete(state);
    return entry && entry.expires > this.now() ? entry : undefined;
  }
}
