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
        "the amounts claimable per token, computed from the indexed events exactly as the pool's claimable view computes " +
        "them (equal to the chain's figures as of the indexer's confirmed block).",
      tags: ["claims"],
      params: claimParams,
      responses: {
        200: {
          description: "Claimable amounts, proofs and a claim transaction (null when nothing is owed)",
          schema: claimableResponse,
        },
      },
    }).handle(async ({ params }) => ({ body: await claims.claimable(params.address, params.account) })),
  ];
}
