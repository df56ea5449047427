import type { Config } from "../config.ts";
import { GitHubVerifier } from "./github.ts";
import { GitHubOAuth } from "./github-oauth.ts";
import type { IdentityVerifier } from "./verifier.ts";
import { WellKnownVerifier } from "./well-known.ts";

/** The proof methods ATTESTOR_VERIFIERS enables, configured from the environment. */
export function identityVerifiers(
  config: Pick<
    Config,
    "ATTESTOR_VERIFIERS" | "GITHUB_API_URL" | "GITHUB_TOKEN" | "ATTESTOR_ALLOW_LOCAL_HTTP"
  >,
): IdentityVerifier[] {
  return config.ATTESTOR_VERIFIERS.map((method) =>
    method === "github"
      ? new GitHubVerifier({ apiUrl: config.GITHUB_API_URL, token: config.GITHUB_TOKEN })
      : new WellKnownVerifier({
          scheme: config.ATTESTOR_ALLOW_LOCAL_HTTP ? "http" : "https",
          allowPrivate: config.ATTESTOR_ALLOW_LOCAL_HTTP,
        }),
  );
}

/** "Sign in with GitHub", when GITHUB_OAUTH_CLIENT_ID (and its secret) are set; else off. */
export function githubSignIn(
  config: Pick<
    Config,
    | "GITHUB_OAUTH_URL"
    | "GITHUB_OAUTH_CLIENT_ID"
    | "GITHUB_OAUTH_CLIENT_SECRET"
    | "GITHUB_API_URL"
    | "GITHUB_TOKEN"
  >,
): GitHubOAuth | undefined {
  if (!config.GITHUB_OAUTH_CLIENT_ID || !config.GITHUB_OAUTH_CLIENT_SECRET) return undefined;
  return new GitHubOAuth({
    oauthUrl: config.GITHUB_OAUTH_URL,
    clientId: config.GITHUB_OAUTH_CLIENT_ID,
    clientSecret: config.GITHUB_OAUTH_CLIENT_SECRET,
    github: new GitHubVerifier({ apiUrl: config.GITHUB_API_URL, token: config.GITHUB_TOKEN }),
  });
}
