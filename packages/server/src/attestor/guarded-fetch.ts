import { lookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP } from "node:net";
import { refusal } from "./refusal.ts";

/**
 * Addresses a URL chosen by a requester must not reach: this machine, its private networks,
 * link-local (cloud metadata at 169.254.169.254), multicast and reserved ranges.
 */
const FORBIDDEN = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  FORBIDDEN.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  FORBIDDEN.addSubnet(net, bits, "ipv6");

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return FORBIDDEN.check(mapped[1] as string, "ipv4");
    return FORBIDDEN.check(address, "ipv6");
  }
  return FORBIDDEN.check(address, "ipv4");
}

export interface GuardedFetchOptions {
  /** Let private and loopback addresses through (a local stand-in in tests; never in production). */
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
}

export type GuardedAnswer = { status: number; body: Buffer };

/** Why a guarded request did not get an answer. */
export class GuardedFetchError extends Error {
  constructor(
    readonly reason: "ADDRESS_FORBIDDEN" | "TOO_LARGE" | "UNREACHABLE",
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/**
 * GET a requester-chosen URL without letting it reach internal addresses (see `guardedRequest`),
 * its failures as the attestor's refusals.
 */
export async function guardedGet(url: URL, options: GuardedFetchOptions): Promise<GuardedAnswer> {
  try {
    return await guardedRequest(
      url,
      { method: "GET", headers: { "user-agent": "wellspring-attestor", accept: "*/*" } },
      options,
    );
  } catch (error) {
    if (!(error instanceof GuardedFetchError)) throw error;
    if (error.reason === "ADDRESS_FORBIDDEN")
      throw refusal("ADDRESS_FORBIDDEN", error.message, "use a public domain");
    if (error.reason === "TOO_LARGE") throw refusal("MANIFEST_INVALID", error.message);
    throw refusal(
      "SOURCE_UNAVAILABLE",
      `${url.host} could not be reached; retry later with a new signed request`,
      error.detail,
    );
  }
}

/**
 * Sends a request to a URL chosen by someone else (a manifest's domain, a webhook) without letting
 * it reach internal addresses. The check runs inside the connection's own DNS lookup, so a name
 * that resolves differently the second time (DNS rebinding) is judged by the address actually
 * dialled. Redirects are not followed; the answer is read up to `maxBytes`.
 */
export async function guardedRequest(
  url: URL,
  init: { method: "GET" | "POST"; headers: Record<string, string>; body?: string },
  options: GuardedFetchOptions,
): Promise<GuardedAnswer> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!options.allowPrivate && isIP(host) !== 0 && isForbiddenAddress(host)) {
    throw new GuardedFetchError("ADDRESS_FORBIDDEN", `${url.host} is a private or loopback address`);
  }
  const guardedLookup = (
    hostname: string,
    lookupOptions: { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, "");
      const bad = addresses.find((a) => isForbiddenAddress(a.address));
      if (bad && !options.allowPrivate) {
        return callback(
          Object.assign(new Error(`forbidden address ${bad.address}`), { code: "EFORBIDDEN" }),
          "",
        );
      }
      if (lookupOptions.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<GuardedAnswer>((resolve, reject) => {
    const req = send(
      url,
      {
        method: init.method,
        lookup: guardedLookup as never,
        // A fresh connection each time: a pooled socket would skip the guarded lookup.
        agent: false,
        headers: init.headers,
        timeout: options.timeoutMs,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            req.destroy();
            reject(
              new GuardedFetchError("TOO_LARGE", `${url.href} is larger than ${options.maxBytes} bytes`),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (error: Error & { code?: string }) => {
      reject(
        error.code === "EFORBIDDEN"
          ? new GuardedFetchError(
              "ADDRESS_FORBIDDEN",
              `${url.host} resolves to a private or loopback address`,
            )
          : new GuardedFetchError(
              "UNREACHABLE",
              `${url.host} could not be reached: ${error.message}`,
              error.message,
            ),
      );
    });
    req.end(init.body);
  });
}
