// The inputs of the pages' story, shared by the controller tests and the browser tests: a product
// depending on left-pad and tiny-json, and left-pad's funding manifest naming its maintainer.
import type { Address } from "viem";

/** An npm lockfile naming left-pad (whose FUNDING.json names its maintainer) and tiny-json. */
export const LOCKFILE = JSON.stringify({
  name: "acme-ai",
  version: "1.0.0",
  lockfileVersion: 3,
  requires: true,
  packages: {
    "": { name: "acme-ai", version: "1.0.0", dependencies: { "left-pad": "^1.3.0", "tiny-json": "^2.0.0" } },
    "node_modules/left-pad": { version: "1.3.0", license: "WTFPL" },
    "node_modules/tiny-json": { version: "2.0.1", license: "MIT", dependencies: { "left-pad": "^1.3.0" } },
  },
});

/** left-pad's maintainer: 75 % of the run's table (the product keeps nothing: half to left-pad,
 * half to tiny-json, which keeps half and passes half on). */
export const IDENTITY = "github:leftpad-dev";

/** left-pad's funding manifest: its maintainer and the wallet that maintainer is paid to. */
export const fundingManifest = (payee: Address): string =>
  JSON.stringify(
    {
      wellspring: {
        component: "pkg:npm/left-pad@1.3.0",
        contributors: [{ identity: IDENTITY, payout: payee }],
      },
    },
    null,
    2,
  ) + "\n";
