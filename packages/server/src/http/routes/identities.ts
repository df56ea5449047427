import { z } from "zod/v4";
import type { NotificationService } from "../../services/notifications.ts";
import { route, type AnyRoute } from "../route.ts";
import { requestSchemas, responseSchemas, uintString } from "../schemas.ts";

const identityParams = z.object({
  identity: z
    .string()
    .min(3)
    .max(512)
    .regex(/^[a-z0-9.-]+:\S+$/, "must be a canonical identity such as github:<login>")
    .meta({ description: "Canonical identity, e.g. github:alice", example: "github:alice" }),
});

export const createWebhookRequest = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .meta({ description: "Where the signed POSTs go" }),
    secret: z
      .string()
      .min(32)
      .max(200)
      .optional()
      .meta({ description: "HMAC-SHA256 key; default: 32 random bytes, returned once" }),
  })
  .register(requestSchemas, { id: "CreateWebhookRequest" });

export const webhookResponse = z
  .object({
    id: uintString,
    identity: z.string(),
    accountId: z.string(),
    url: z.string(),
    secret: z.string().meta({ description: "Verify Wellspring-Signature with it; not shown again" }),
  })
  .register(responseSchemas, { id: "Webhook" });

export function identityRoutes(notifications: NotificationService, publicBaseUrl?: string): AnyRoute[] {
  return [
    route({
      method: "get",
      path: "/v1/identities/:identity/feed.atom",
      operationId: "getIdentityFeed",
      summary: "Atom feed: money waiting for an identity, and claim windows about to close",
      tags: ["identity"],
      params: identityParams,
      responses: {
        200: { description: "Atom 1.0", contentType: "application/atom+xml" },
        404: { description: "No stored share table names the identity" },
      },
    }).handle(async ({ params, req }) => {
      const path = `/v1/identities/${encodeURIComponent(params.identity)}/feed.atom`;
      const self = `${publicBaseUrl ?? `${req.protocol}://${req.get("host") ?? "localhost"}`}${path}`;
      return {
        headers: { "content-type": "application/atom+xml; charset=utf-8" },
        body: await notifications.feed(params.identity, self),
      };
    }),
    route({
      method: "post",
      path: "/v1/identities/:identity/webhooks",
      operationId: "createIdentityWebhook",
      summary: "Register a signed webhook for an identity's notifications (ADMIN)",
      description:
        "Each event is POSTed as JSON with Wellspring-Delivery (a stable id: retries reuse it), Wellspring-Event and " +
        "Wellspring-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `<t>.<body>`)>. Failed deliveries are " +
        "retried with exponential backoff; the queue is in the database.",
      tags: ["identity"],
      auth: "ADMIN",
      params: identityParams,
      body: createWebhookRequest,
      responses: {
        201: { description: "Registered", schema: webhookResponse },
        409: { description: "That URL is already registered for the identity" },
      },
    }).handle(async ({ params, body, admin }) => ({
      status: 201,
      body: await notifications.subscribe(params.identity, body.url, admin!.address, body.secret),
    })),
  ];
}
