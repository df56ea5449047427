/**
 * `npm run admin -- …`: signed admin requests to a running Wellspring server, for operators.
 *
 *   npm run admin -- register-pool [--pool 0x…] [--name "…"] [--deployed-block N]
 *       registers a deployed pool; the defaults come from deploy/addresses/<chainId>.json, the
 *       file `npm run deploy:localhost`, `deploy/scripts/deploy.ts` and `npm start` write;
 *   npm run admin -- request <POST|PUT|DELETE> <path> [<json> | @<file>]
 *       any other signed request, e.g. `request POST /v1/policies/default/versions @policy.json`.
 *
 * The key that signs is ADMIN_PRIVATE_KEY (from the environment only); the server checks on-chain
 * that its address holds the role the endpoint needs (docs/api.md, "Admin authentication").
 * WELLSPRING_SERVER is the server (default http://127.0.0.1:8080). What to sign (EIP-712 domain,
 * types, header names) is read from the server's GET /v1/admin/auth-info, so this client signs for
 * exactly the server it talks to.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { readDeployments } from "@wellspring/sdk/node";
import { keccak256, toHex, type Hex, type TypedDataDomain } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";

const root = path.resolve(import.meta.dirname, "..");
const USAGE = `usage:
  npm run admin -- register-pool [--pool 0x…] [--name "…"] [--deployed-block N]
  npm run admin -- request <POST|PUT|DELETE> <path> [<json> | @<file>]
environment: ADMIN_PRIVATE_KEY (required), WELLSPRING_SERVER (default http://127.0.0.1:8080)`;

class UsageError extends Error {}

const authInfo = z.object({
  // The domain names the deployment (its registry, its database's salt): signed as served.
  domain: z
    .object({
      name: z.string(),
      version: z.string(),
      chainId: z.number(),
      verifyingContract: z
        .string()
        .regex(/^0x[0-9a-fA-F]{40}$/)
        .optional(),
      salt: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
    })
    .passthrough(),
  primaryType: z.literal("AdminRequest"),
  types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
  headers: z.object({ address: z.string(), nonce: z.string(), deadline: z.string(), signature: z.string() }),
});

function settings() {
  const parsed = z
    .object({
      ADMIN_PRIVATE_KEY: z
        .string({
          required_error: "ADMIN_PRIVATE_KEY is not set: the admin's private key (0x + 64 hex digits)",
        })
        .regex(/^0x[0-9a-fA-F]{64}$/, "ADMIN_PRIVATE_KEY must be 0x followed by 64 hex digits"),
      WELLSPRING_SERVER: z.string().url("WELLSPRING_SERVER must be a URL").default("http://127.0.0.1:8080"),
    })
    .safeParse(process.env);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  return parsed.data;
}

type AuthInfo = z.infer<typeof authInfo>;

/** What the server wants signed (GET /v1/admin/auth-info). */
async function fetchAuthInfo(server: string): Promise<AuthInfo> {
  const res = await fetch(new URL("/v1/admin/auth-info", server)).catch((e: unknown) => {
    throw new UsageError(`cannot reach ${server}: ${e instanceof Error ? e.message : String(e)}`);
  });
  if (!res.ok) throw new UsageError(`${server}/v1/admin/auth-info answered ${res.status}`);
  return authInfo.parse(await res.json());
}

async function send(
  method: string,
  apiPath: string,
  body: string | undefined,
  knownInfo?: AuthInfo,
): Promise<number> {
  const { ADMIN_PRIVATE_KEY, WELLSPRING_SERVER } = settings();
  const account = privateKeyToAccount(ADMIN_PRIVATE_KEY as Hex);
  const info = knownInfo ?? (await fetchAuthInfo(WELLSPRING_SERVER));
  const bytes = body === undefined ? new Uint8Array() : new TextEncoder().encode(body);
  const nonce = toHex(crypto.getRandomValues(new Uint8Array(32)));
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 60);
  const signature = await account.signTypedData({
    domain: info.domain as TypedDataDomain,
    types: info.types,
    primaryType: "AdminRequest",
    message: { method, path: apiPath, bodyHash: keccak256(bytes), nonce, deadline },
  });
  const res = await fetch(new URL(apiPath, WELLSPRING_SERVER), {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      [info.headers.address]: account.address,
      [info.headers.nonce]: nonce,
      [info.headers.deadline]: deadline.toString(),
      [info.headers.signature]: signature,
    },
    body,
  });
  const text = await res.text();
  (res.ok ? process.stdout : process.stderr).write(`${method} ${apiPath}: ${res.status}\n${text}\n`);
  return res.ok ? 0 : 1;
}

async function registerPool(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      pool: { type: "string" },
      name: { type: "string" },
      "deployed-block": { type: "string" },
      "chain-id": { type: "string" },
    },
    strict: true,
  });
  let { pool } = values;
  let deployedBlock = values["deployed-block"];
  const info = await fetchAuthInfo(settings().WELLSPRING_SERVER);
  if (pool === undefined || deployedBlock === undefined) {
    // The chain id the server serves decides which deployment file is meant.
    const chainId = Number(values["chain-id"] ?? info.domain.chainId);
    const dir = path.join(root, "deploy", "addresses");
    const deployment = await readDeployments({ dir, chainId }).catch((e: unknown) => {
      throw new UsageError(
        `no --pool/--deployed-block given and ${path.relative(process.cwd(), path.join(dir, `${chainId}.json`))} ` +
          `cannot be read (${e instanceof Error ? e.message : String(e)}); deploy first (docs/deployment.md) or pass them`,
      );
    });
    pool ??= deployment.pool;
    deployedBlock ??= String(deployment.deployBlock);
  }
  const body = JSON.stringify({ address: pool, name: values.name ?? "Wellspring pool", deployedBlock });
  return send("POST", "/v1/pools", body, info);
}

async function request(args: string[]): Promise<number> {
  const [method, apiPath, raw, ...rest] = args;
  if (!method || !apiPath || rest.length > 0 || !["POST", "PUT", "DELETE"].includes(method)) {
    throw new UsageError(USAGE);
  }
  if (!apiPath.startsWith("/")) throw new UsageError(`path must start with "/": ${apiPath}`);
  let body: string | undefined;
  if (raw !== undefined) {
    body = raw.startsWith("@") ? readFileSync(raw.slice(1), "utf8") : raw;
    try {
      JSON.parse(body);
    } catch (e) {
      throw new UsageError(
        `the body is not JSON (${raw.startsWith("@") ? raw.slice(1) : "argument"}): ${String(e)}`,
      );
    }
  }
  return send(method, apiPath, body);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "register-pool") return registerPool(rest);
  if (command === "request") return request(rest);
  if (command === "--help" || command === "-h") {
    console.log(USAGE);
    return 0;
  }
  throw new UsageError(USAGE);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`admin: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError || error instanceof TypeError ? 2 : 1);
  },
);
