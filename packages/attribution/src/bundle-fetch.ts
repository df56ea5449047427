/**
 * Fetching an evidence bundle (file://, http(s)://, ipfs:// through a configurable gateway) and
 * checking it against a schedule's on-chain commitment: the one core `wellspring verify`, `watch`
 * and the server's schedule verifier share (docs/verification.md).
 */
import { readFileSync, statSync, type Stats } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BUNDLE_FILES,
  bundleEntries,
  bundleInputName,
  decodeTar,
  readBundleManifest,
  verifyBundle,
  type BundleVerification,
  type Commitment,
} from "./bundle.ts";
import { isWellspringError, WellspringError } from "./errors.ts";

/** The entries of an unpacked bundle: manifest.json and what it lists. */
function readBundleDirectory(dir: string): Map<string, Uint8Array> {
  const read = (name: string): Uint8Array | undefined => {
    try {
      return readFileSync(join(dir, name));
    } catch {
      return undefined; // reported by the verification as a missing entry
    }
  };
  const entries = new Map<string, Uint8Array>();
  const manifest = read(BUNDLE_FILES.manifest);
  if (manifest === undefined)
    throw new WellspringError("BUNDLE_INVALID", "the directory holds no manifest.json", { file: dir });
  entries.set(BUNDLE_FILES.manifest, manifest);
  const listed = readBundleManifest(entries);
  for (const name of [
    BUNDLE_FILES.table,
    BUNDLE_FILES.policy,
    ...listed.inputs.map((i) => bundleInputName(i.sha256)),
  ]) {
    const bytes = read(name);
    if (bytes !== undefined) entries.set(name, bytes);
  }
  return entries;
}

export interface FetchOptions {
  /** Base URL of an IPFS HTTP gateway (`<gateway>/ipfs/<cid>/<path>`). */
  ipfsGateway?: string | undefined;
  /** Per request. */
  timeoutMs?: number;
  /** Largest bundle read over the network (default DEFAULT_MAX_BUNDLE_BYTES). */
  maxBytes?: number | undefined;
  cwd?: string;
  /**
   * Whether file:// and plain paths may be read (default true). A server verifying uris that
   * proposers chose turns this off: a path would let them make it read its own disk.
   */
  localFiles?: boolean | undefined;
}

function unreachable(uri: string, message: string, cause?: unknown): WellspringError {
  return new WellspringError("BUNDLE_UNREACHABLE", message, { file: uri, ...(cause ? { cause } : {}) });
}

/**
 * A uri chosen by whoever proposed the schedule must not be able to exhaust a verifier's memory
 * (a watch that dies lets the schedule activate): bigger bundles are refused as invalid.
 */
export const DEFAULT_MAX_BUNDLE_BYTES = 1 << 30;

/** The http(s) URL an ipfs:// URI is fetched from. */
export function gatewayUrl(uri: string, gateway: string | undefined): string {
  if (gateway === undefined)
    throw new WellspringError(
      "USAGE",
      "an ipfs:// uri needs a gateway: --ipfs-gateway <url> or WELLSPRING_IPFS_GATEWAY",
      { file: uri },
    );
  return `${gateway.replace(/\/+$/, "")}/ipfs/${uri.slice("ipfs://".length)}`;
}

/** Fetches a bundle (a directory or `.tar` for file://, an archive over http) and splits it into entries. */
export async function fetchBundle(uri: string, options: FetchOptions = {}): Promise<Map<string, Uint8Array>> {
  if (uri.startsWith("file://") || !/^[a-z][a-z0-9+.-]*:/i.test(uri)) {
    if (options.localFiles === false)
      throw new WellspringError(
        "BUNDLE_INVALID",
        "this verifier reads no local files: publish the bundle over http(s) or ipfs",
        {
          file: uri,
        },
      );
    const path = uri.startsWith("file://") ? fileURLToPath(uri) : resolve(options.cwd ?? ".", uri);
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch (error) {
      throw unreachable(
        uri,
        `cannot read the bundle: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
        error,
      );
    }
    if (stats.isDirectory()) return readBundleDirectory(path);
    // A device or FIFO (e.g. /dev/zero) would never end; a huge file would exhaust memory.
    if (!stats.isFile())
      throw new WellspringError("BUNDLE_INVALID", "the bundle is not a regular file", { file: uri });
    if (stats.size > (options.maxBytes ?? DEFAULT_MAX_BUNDLE_BYTES)) throw tooBig(uri, options.maxBytes);
    return bundleEntries(decodeTar(readFileSync(path)));
  }
  let url: string;
  if (uri.startsWith("ipfs://")) url = gatewayUrl(uri, options.ipfsGateway);
  else if (uri.startsWith("https://") || uri.startsWith("http://")) url = uri;
  else throw new WellspringError("USAGE", "the uri must be file://, http(s):// or ipfs://", { file: uri });
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
  } catch (error) {
    throw unreachable(uri, `cannot fetch the bundle: ${(error as Error).message}`, error);
  }
  if (!response.ok) throw unreachable(uri, `fetching the bundle answered HTTP ${response.status}`);
  return bundleEntries(
    decodeTar(await readLimited(response, uri, options.maxBytes ?? DEFAULT_MAX_BUNDLE_BYTES)),
  );
}

function tooBig(uri: string, maxBytes = DEFAULT_MAX_BUNDLE_BYTES): WellspringError {
  return new WellspringError("BUNDLE_INVALID", `the bundle is larger than ${maxBytes} bytes`, { file: uri });
}

async function readLimited(response: Response, uri: string, maxBytes: number): Promise<Uint8Array> {
  if (Number(response.headers.get("content-length") ?? 0) > maxBytes) throw tooBig(uri, maxBytes);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const next = await reader?.read();
      if (next === undefined || next.done) break;
      length += next.value.length;
      if (length > maxBytes) throw tooBig(uri, maxBytes);
      chunks.push(next.value);
    }
  } catch (error) {
    await reader?.cancel().catch(() => undefined);
    if (error instanceof WellspringError) throw error;
    throw unreachable(uri, `reading the bundle failed: ${(error as Error).message}`, error);
  }
  return Buffer.concat(chunks);
}

/** A check's verdict: the bundle matches, differs (or is malformed/too big), or cannot be fetched. */
export type BundleStatus = "verified" | "invalid" | "unreachable";

/** The outcome of fetching and verifying one bundle. */
export interface BundleCheck {
  ok: boolean;
  status: BundleStatus;
  /** Set when the bundle was read. */
  verification?: BundleVerification;
  /** Set when it could not be fetched or read (unreachable, malformed). */
  error?: { code: string; message: string };
}

/**
 * Fetches the bundle at `uri` and verifies it against `expected` (or its own manifest). A
 * WellspringError (unreachable, malformed, too big) is the check's outcome unless `rethrow` says it
 * is the caller's own mistake; anything else is a bug and propagates.
 */
export async function checkBundleUri(
  uri: string,
  expected: Commitment | undefined,
  options: FetchOptions,
  rethrow: (error: WellspringError) => boolean = () => false,
): Promise<BundleCheck> {
  try {
    const verification = verifyBundle(await fetchBundle(uri, options), expected);
    return { ok: verification.ok, status: verification.ok ? "verified" : "invalid", verification };
  } catch (error) {
    if (!isWellspringError(error) || rethrow(error)) throw error;
    const status = error.code === "BUNDLE_UNREACHABLE" ? "unreachable" : "invalid";
    return { ok: false, status, error: { code: error.code, message: error.message } };
  }
}

/** What a check found, one short line each (empty when verified): for records and logs. */
export function bundleDifferences(check: BundleCheck): string[] {
  if (check.error) return [`${check.error.code}: ${check.error.message.split("\n")[0]}`];
  return check.verification!.findings.map(
    (f) => `${f.field}${f.path !== undefined ? ` (${f.path})` : ""}: ${f.message.split("\n")[0]}`,
  );
}

/** What a watchtower signs (EIP-191) to report a decision to a server. */
export interface VerificationReport {
  pool: string;
  scheduleId: bigint;
  bundleHash: string;
  status: BundleStatus;
  /** ISO 8601 to the second, UTC (`2026-12-06T08:20:31Z`). */
  verifiedAt: string;
}

/** The canonical text of a report: one `name: value` line each, addresses and hashes lower-case. */
export function verificationReportMessage(r: VerificationReport): string {
  return [
    "wellspring schedule verification",
    `pool: ${r.pool.toLowerCase()}`,
    `schedule: ${r.scheduleId}`,
    `bundle: ${r.bundleHash.toLowerCase()}`,
    `status: ${r.status}`,
    `time: ${r.verifiedAt}`,
  ].join("\n");
}
