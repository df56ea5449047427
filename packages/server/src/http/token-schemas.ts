import { z } from "zod/v4";
import { address, hexOut, responseSchemas } from "./schemas.ts";

export const tokenParams = z.object({ address });

/** A token as pages and CSV print amounts (services/tokens.ts). */
export const tokenResponse = z
  .object({
    address: hexOut,
    symbol: z.string().meta({ description: "symbol() as the chain answers it (a string or a bytes32)" }),
    decimals: z.number().int().min(0).max(255),
    native: z.boolean().meta({ description: "The zero address: the chain's own currency (18 decimals)" }),
    guessed: z.array(z.enum(["symbol", "decimals"])).meta({
      description:
        "What the token did not answer: the symbol is then its short address, the decimals 0 (base units)",
    }),
  })
  .register(responseSchemas, { id: "Token" });

export const tokenListResponse = z
  .object({ tokens: z.array(tokenResponse) })
  .register(responseSchemas, { id: "TokenList" });
