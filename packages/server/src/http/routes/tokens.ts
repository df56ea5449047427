import type { TokenService } from "../../services/tokens.ts";
import { route, type AnyRoute } from "../route.ts";
import { tokenListResponse, tokenParams, tokenResponse } from "../token-schemas.ts";

export function tokenRoutes(tokens: TokenService): AnyRoute[] {
  return [
    route({
      method: "get",
      path: "/v1/tokens",
      operationId: "listTokens",
      summary: "The chain's currency and every token deposited into a pool here, with symbol and decimals",
      tags: ["tokens"],
      responses: {
        200: { description: "Tokens, the chain's currency first", schema: tokenListResponse },
        503: { description: "A token's metadata is not stored yet and the chain RPC failed" },
      },
    }).handle(async () => ({ body: { tokens: await tokens.list() } })),
    route({
      method: "get",
      path: "/v1/tokens/:address",
      operationId: "getToken",
      summary: "A token's symbol and decimals, read from the chain once and stored",
      description:
        "The zero address is the chain's currency (18 decimals). A token without symbol() or decimals() " +
        "(or with a bytes32 symbol) still answers: `guessed` lists what it did not say.",
      tags: ["tokens"],
      params: tokenParams,
      responses: {
        200: { description: "The token", schema: tokenResponse },
        503: { description: "Not stored yet and the chain RPC is missing or failed" },
      },
    }).handle(async ({ params }) => ({ body: await tokens.get(params.address) })),
  ];
}
