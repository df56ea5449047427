import type { JsonObject } from "../../canonical.ts";
import { isServerError, ServerError } from "../../errors.ts";
import type { PolicyService } from "../../services/policies.ts";
import { route, type AnyRoute } from "../route.ts";
import {
  createPolicyVersionRequest,
  diffQuery,
  policyDiffResponse,
  policyHashParams,
  policyListResponse,
  policyNameParams,
  policySchemaResponse,
  policyVersionListResponse,
  policyVersionParams,
  policyVersionResponse,
  policyVersionsByHashResponse,
  versionsQuery,
} from "../schemas.ts";

/** The codec reports paths inside the document; the client needs them inside the request body. */
async function withDocumentPath<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isServerError(error, "VALIDATION") && error.issues) {
      throw new ServerError("VALIDATION", error.shortMessage, {
        issues: error.issues.map((i) => ({
          ...i,
          path: ["body", "document", i.path].filter(Boolean).join("."),
        })),
      });
    }
    throw error;
  }
}

export function policyRoutes(policies: PolicyService): AnyRoute[] {
  return [
    route({
      method: "get",
      path: "/v1/policies",
      operationId: "listPolicies",
      summary: "List policy lines with their latest version",
      tags: ["policies"],
      responses: { 200: { description: "Policies", schema: policyListResponse } },
    }).handle(async () => ({ body: { policies: await policies.list() } })),
    route({
      method: "get",
      path: "/v1/policies/schema",
      operationId: "getPolicySchema",
      summary: "JSON Schema of a policy document (for forms and editors)",
      description:
        "Generated at run time from the schema the server validates policy documents with, so it cannot drift from it. " +
        "Checks across fields (a matcher needs a field, minFraction ≤ maxFraction, SPDX syntax) are not expressible in it: " +
        "saving a version reports them as field errors.",
      tags: ["policies"],
      responses: { 200: { description: "The JSON Schema", schema: policySchemaResponse } },
    }).handle(async () => ({ body: policies.jsonSchema() })),
    route({
      method: "post",
      path: "/v1/policies/:name/versions",
      operationId: "createPolicyVersion",
      summary: "Create the next version of a policy",
      description:
        "Validates the document against the attribution engine's policy schema (docs/policy.md), fills in defaults, and stores " +
        "its canonical JSON and keccak256 hash (the engine's policyHash) as version latest+1. " +
        "409 POLICY_UNCHANGED when it equals the latest version; 409 CONFLICT when expectedLatestVersion is stale.",
      tags: ["policies"],
      auth: "PROPOSER",
      params: policyNameParams,
      body: createPolicyVersionRequest,
      responses: {
        201: { description: "The new version", schema: policyVersionResponse },
        409: { description: "Unchanged document or stale expectedLatestVersion" },
      },
    }).handle(async ({ params, body, admin }) => {
      const created = await withDocumentPath(() =>
        policies.createVersion({
          name: params.name,
          document: body.document as JsonObject,
          note: body.note,
          createdBy: admin!.address,
          ...(body.expectedLatestVersion === undefined
            ? {}
            : { expectedLatestVersion: body.expectedLatestVersion }),
        }),
      );
      return {
        status: 201,
        body: created,
        headers: { Location: `/v1/policies/${created.name}/versions/${created.version}` },
      };
    }),
    route({
      method: "get",
      path: "/v1/policies/:name/versions",
      operationId: "listPolicyVersions",
      summary: "History of a policy, oldest first",
      tags: ["policies"],
      params: policyNameParams,
      query: versionsQuery,
      responses: { 200: { description: "One page of versions", schema: policyVersionListResponse } },
    }).handle(async ({ params, query }) => ({
      body: await policies.versions(params.name, {
        limit: query.limit,
        ...(query.after === undefined ? {} : { after: query.after }),
      }),
    })),
    route({
      method: "get",
      path: "/v1/policies/:name/versions/:version",
      operationId: "getPolicyVersion",
      summary: "One policy version with its document and canonical JSON",
      tags: ["policies"],
      params: policyVersionParams,
      responses: { 200: { description: "The version", schema: policyVersionResponse } },
    }).handle(async ({ params }) => ({ body: await policies.get(params.name, params.version) })),
    route({
      method: "get",
      path: "/v1/policies/:name/diff",
      operationId: "diffPolicyVersions",
      summary: "Differences between two versions of a policy (JSON Pointer paths)",
      tags: ["policies"],
      params: policyNameParams,
      query: diffQuery,
      responses: { 200: { description: "Changes from `from` to `to`", schema: policyDiffResponse } },
    }).handle(async ({ params, query }) => ({
      body: await policies.diff(params.name, query.from, query.to),
    })),
    route({
      method: "get",
      path: "/v1/policy-versions/:hash",
      operationId: "findPolicyVersionsByHash",
      summary: "Policy versions whose canonical hash is this (e.g. a schedule's policyHash)",
      tags: ["policies"],
      params: policyHashParams,
      responses: { 200: { description: "Matching versions", schema: policyVersionsByHashResponse } },
    }).handle(async ({ params }) => ({ body: { versions: await policies.byHash(params.hash) } })),
  ];
}
