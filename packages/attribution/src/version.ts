/**
 * The engine's version, written into every share table as `engineVersion`, is this package's
 * version: read from its package.json, which sits one level above both src/ and the built dist/.
 * Compatibility (docs/verification.md#engine-versions): an engine judges tables whose engine has
 * its own major version; within a major, the table format and the numbers it computes only grow
 * compatibly (a change that could alter a table's bytes is a new major).
 */
import { createRequire } from "node:module";

import { WellspringError } from "./errors.ts";

const ENGINE_NAME = "wellspring-attribution";
const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

/** `wellspring-attribution/<version of @wellspring/attribution>`. */
export const ENGINE_VERSION = `${ENGINE_NAME}/${version}`;

/** The major version named by an engine version string of this engine, or undefined. */
function majorOf(engineVersion: string): number | undefined {
  const m = /^wellspring-attribution\/(\d+)\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.exec(engineVersion);
  return m === null ? undefined : Number(m[1]);
}

/** Whether `engineVersion` names this engine (any version), rather than another producer of tables. */
export function isEngineVersion(engineVersion: string): boolean {
  return engineVersion.startsWith(`${ENGINE_NAME}/`);
}

/**
 * Throws ENGINE_INCOMPATIBLE when a table names this engine with another major version (or a
 * version that is not semantic). Tables that name another producer (the SDK's hand-written ones)
 * were not computed by an engine: they are judged as tables only and pass.
 */
export function assertEngineCompatible(engineVersion: string, file?: string): void {
  if (!isEngineVersion(engineVersion)) return;
  const theirs = majorOf(engineVersion);
  const ours = majorOf(ENGINE_VERSION);
  if (theirs !== undefined && theirs === ours) return;
  throw new WellspringError(
    "ENGINE_INCOMPATIBLE",
    `the table was made by ${engineVersion}; this is ${ENGINE_VERSION}, which judges only tables of major version ${String(ours)}` +
      ` (use a @wellspring/cli whose engine has the table's major version)`,
    { ...(file !== undefined ? { file } : {}), field: "engineVersion" },
  );
}
