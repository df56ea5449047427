import type { Request } from "express";
import {
  contributorStatementToCsv,
  depositSplitToCsv,
  payerStatementToCsv,
  type StatementService,
} from "../../services/statements.ts";
import type { TokenService } from "../../services/tokens.ts";
import { route, type AnyRoute } from "../route.ts";
import {
  contributorStatementParams,
  contributorStatementQuery,
  contributorStatementResponse,
  depositSplitParams,
  depositSplitQuery,
  depositSplitResponse,
  payerStatementParams,
  payerStatementQuery,
  payerStatementResponse,
  schedulePotsResponse,
} from "../statement-schemas.ts";
import { poolParams } from "../schemas.ts";

/** `?format=` wins; otherwise CSV only when the client prefers text/csv over JSON. */
const wantsCsv = (format: "json" | "csv" | undefined, req: Request) =>
  format ? format === "csv" : req.accepts(["application/json", "text/csv"]) === "text/csv";

const csvHeaders = (filename: string, nextCursor?: string | null) => ({
  "Content-Type": "text/csv; charset=utf-8",
  "Content-Disposition": `attachment; filename="${filename}"`,
  Vary: "Accept",
  ...(nextCursor ? { "X-Next-Cursor": nextCursor } : {}),
});

export function statementRoutes(statements: StatementService, tokens: TokenService): AnyRoute[] {
  return [
    route({
      method: "get",
      path: "/v1/pools/:address/statements/payers/:payer",
      operationId: "getPayerStatement",
      summary: "A payer's deposits and how each was shared out (JSON or CSV)",
      description:
        "Each deposit of the payer in chain order with the schedule whose table shares it out: the table's size, " +
        "the sum over every recipient of mulDiv(amount, shares, totalShares), the rounding dust, and the parts of " +
        "the `split` largest recipients (the whole split of one deposit: .../deposits/{block}/{logIndex}/split). " +
        "CSV: per deposit a line per listed recipient, an `others` line and a dust line, adding up to the amount; " +
        "the next page's cursor is in X-Next-Cursor.",
      tags: ["statements"],
      params: payerStatementParams,
      query: payerStatementQuery,
      responses: {
        200: { description: "One page of the payer's deposits", schema: payerStatementResponse, csv: true },
        404: { description: "Unknown pool" },
      },
    }).handle(async ({ params, query, req }) => {
      const page = await statements.payer(params.address, params.payer, {
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
        ...(query.token ? { token: query.token } : {}),
        split: query.split,
      });
      if (wantsCsv(query.format, req))
        return {
          body: payerStatementToCsv(page.deposits, await tokens.many(page.deposits.map((d) => d.token))),
          headers: csvHeaders(`statement-payer-${page.payer}.csv`, page.nextCursor),
        };
      return { body: page, headers: { Vary: "Accept" } };
    }),
    route({
      method: "get",
      path: "/v1/pools/:address/deposits/:blockNumber/:logIndex/split",
      operationId: "getDepositSplit",
      summary: "Every recipient's part of one deposit, page by page (JSON or CSV)",
      description:
        "The deposit (as in the payer statement) and one page of its split over the sharing table in accountId " +
        "order: mulDiv(amount, shares, totalShares) each. Pass nextCursor as `after` for the next page " +
        "(CSV: X-Next-Cursor).",
      tags: ["statements"],
      params: depositSplitParams,
      query: depositSplitQuery,
      responses: {
        200: {
          description: "The deposit and one page of its split",
          schema: depositSplitResponse,
          csv: true,
        },
        404: { description: "Unknown pool or no deposit at that block and log index" },
      },
    }).handle(async ({ params, query, req }) => {
      const page = await statements.depositSplit(
        params.address,
        { blockNumber: params.blockNumber, logIndex: params.logIndex },
        { limit: query.limit, ...(query.after ? { after: query.after } : {}) },
      );
      if (wantsCsv(query.format, req))
        return {
          body: depositSplitToCsv(page, await tokens.many([page.deposit.token])),
          headers: csvHeaders(
            `split-${page.deposit.blockNumber}-${page.deposit.logIndex}.csv`,
            page.nextCursor,
          ),
        };
      return { body: page, headers: { Vary: "Accept" } };
    }),
    route({
      method: "get",
      path: "/v1/pools/:address/statements/contributors/:account",
      operationId: "getContributorStatement",
      summary: "What an account earned, claimed and still has waiting, per schedule and token (JSON or CSV)",
      description:
        "For every activated schedule whose table the server holds and that lists the account: the pot per token " +
        "(indexed deposits, the unallocated pot for the first activated schedule, swept remainders), " +
        "entitled = mulDiv(pot, shares, totalShares), claimed (indexed claims) and waiting.",
      tags: ["statements"],
      params: contributorStatementParams,
      query: contributorStatementQuery,
      responses: {
        200: { description: "The account's statement", schema: contributorStatementResponse, csv: true },
        400: { description: "Not an address, accountId or identity" },
        404: { description: "Unknown pool" },
      },
    }).handle(async ({ params, query, req }) => {
      const statement = await statements.contributor(params.address, params.account);
      if (wantsCsv(query.format, req))
        return {
          body: contributorStatementToCsv(
            statement.lines,
            await tokens.many(statement.lines.map((l) => l.token)),
          ),
          headers: csvHeaders(`statement-${statement.accountId}.csv`),
        };
      return { body: statement, headers: { Vary: "Accept" } };
    }),
    route({
      method: "get",
      path: "/v1/pools/:address/pots",
      operationId: "getSchedulePots",
      summary: "Where each activated schedule's money is: claimed, waiting, unbound, held, swept, dust",
      description:
        "Per activated schedule whose table the server holds and per token: the pot (as in the contributor " +
        "statement) and its parts, summed in SQL over the whole table: claimed (indexed claims), waiting " +
        "(owed to addresses and bound identities, not claimed yet), unbound (owed to identities no wallet is " +
        "bound to), held (component: identities), swept (moved on after the claim window) and rounding dust. " +
        "The parts add up to the pot.",
      tags: ["statements"],
      params: poolParams,
      responses: {
        200: { description: "The pools' pots and their parts", schema: schedulePotsResponse },
        404: { description: "Unknown pool" },
      },
    }).handle(async ({ params }) => ({ body: await statements.schedulePots(params.address) })),
  ];
}
