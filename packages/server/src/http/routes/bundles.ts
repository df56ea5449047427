import type { BundleService } from "../../services/bundles.ts";
import { route, type AnyRoute } from "../route.ts";
import { runParams } from "../schemas.ts";

export function bundleRoutes(bundles: BundleService): AnyRoute[] {
  return [
    route({
      method: "get",
      path: "/v1/runs/:id/bundle",
      operationId: "getRunBundle",
      summary: "A run's evidence bundle: share table, every input, the policy and a manifest of hashes",
      description:
        "One ustar file (tar -xf unpacks it): manifest.json, share-table.json, policy.json and inputs/<sha256> for " +
        "each input. Its name, the manifest's bundleHash, is keccak256(tableHash ‖ policyHash ‖ inputsHash), the " +
        "values a schedule commits to on-chain; `wellspring verify --uri` checks it and recomputes the table " +
        "(docs/verification.md). Publishing a run records this URL as the schedule's uri. 404 for an unknown run, " +
        "409 for one that is not complete.",
      tags: ["runs"],
      params: runParams,
      responses: {
        200: { description: "The bundle (ustar)", contentType: "application/x-tar" },
        404: { description: "Unknown run" },
        409: { description: "The run is not complete" },
      },
    }).handle(async ({ params }) => ({
      body: await bundles.tar(params.id),
      headers: {
        "Content-Type": "application/x-tar",
        "Content-Disposition": `attachment; filename="wellspring-run-${params.id}-bundle.tar"`,
        // A run never changes once complete: the same URL always gives the same bytes.
        "Cache-Control": "public, max-age=31536000, immutable",
      },
    })),
  ];
}
