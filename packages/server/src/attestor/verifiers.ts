import type { Config } from "../config.ts";
import { GitHubVerifier } from "./github.ts";
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
