import type { ClaimService } from "../../services/claims.ts";
import { route, type AnyRoute } from "../route.ts";
import { claimableResponse, claimParams } from "../schemas.ts";

export function claimRoutes(claims: ClaimService): AnyRoute[] {
  return [
    route({
      method: "get",
      path: "/v1/pools/:address/claims/:account",
      operationId: "getClaimable",
      summary: "Everything an account can claim from a pool, with proofs and ready calldata",
      description:
        "For each activated, unrevoked schedule whose table the server stored: the account's shares and Merkle proof, and " +
        "the amounts claimable per token read from the pool. 503 CHAIN_UNAVAILABLE when the RPC cannot be reached.",
      tags: ["claims"],
      params: claimParams,
      responses: {
        200: {
          description: "Claimable amounts, proofs and a claim transaction (null when nothing is owed)",
          schema: claimableResponse,
        },
        503: { description: "The chain RPC is not available" },
      },
      handle: async ({ params }) => ({ body: await claims.claimable(params.address, params.account) }),
    }),
  ];
}
