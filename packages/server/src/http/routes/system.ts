import type { Database } from "../../db/database.ts";
import { ServerError } from "../../errors.ts";
import { ADMIN_HEADERS, ADMIN_REQUEST_TYPES, type AdminDomainSource } from "../../auth/admin-auth.ts";
import type { IndexerProblem } from "../../indexer/pool-indexer.ts";
import { route, type AnyRoute } from "../route.ts";
import { adminAuthInfoResponse, healthResponse } from "../schemas.ts";

export function systemRoutes(deps: {
  db: Database;
  adminDomain: AdminDomainSource;
  maxAgeSeconds: number;
  isShuttingDown: () => boolean;
  indexerProblems: () => readonly IndexerProblem[];
  /** Why the chain behind RPC_URL is not usable (see chain-readiness.ts), or undefined. */
  chainReadiness?: () => Promise<string | undefined>;
}): AnyRoute[] {
  return [
    route({
      method: "get",
      path: "/healthz",
      operationId: "health",
      summary: "Liveness: the process answers",
      tags: ["system"],
      responses: { 200: { description: "Alive", schema: healthResponse } },
    }).handle(async () => ({ body: { status: "ok" } })),
    route({
      method: "get",
      path: "/readyz",
      operationId: "ready",
      summary:
        "Readiness: the database answers, the chain RPC serves the deployment, the indexer follows the chain and the server is not shutting down",
      tags: ["system"],
      responses: {
        200: { description: "Ready", schema: healthResponse },
        503: { description: "Not ready", schema: healthResponse },
      },
    }).handle(async () => {
      if (deps.isShuttingDown()) return { status: 503, body: { status: "shutting down" } };
      try {
        await deps.db.query("SELECT 1");
      } catch (error) {
        throw new ServerError("DATABASE_UNAVAILABLE", "database unreachable", { cause: error });
      }
      const chainProblem = await deps.chainReadiness?.();
      if (chainProblem !== undefined) {
        return { status: 503, body: { status: "chain unavailable", problems: [chainProblem] } };
      }
      const problems = deps.indexerProblems();
      if (problems.length > 0) {
        return {
          status: 503,
          body: { status: "indexer stopped", problems: problems.map((p) => p.message) },
        };
      }
      return { body: { status: "ready" } };
    }),
    route({
      method: "get",
      path: "/v1/admin/auth-info",
      operationId: "adminAuthInfo",
      summary: "What an admin client must sign: EIP-712 domain, types and headers",
      tags: ["admin"],
      responses: { 200: { description: "Signing parameters", schema: adminAuthInfoResponse } },
    }).handle(async () => ({
      body: {
        domain: await deps.adminDomain.get(),
        primaryType: "AdminRequest",
        types: ADMIN_REQUEST_TYPES,
        headers: ADMIN_HEADERS,
        maxAgeSeconds: deps.maxAgeSeconds,
      },
    })),
  ];
}
