/**
 * Process entry point: `node --import tsx packages/server/src/main.ts`. Refuses to start on a bad
 * environment or a changed migration (exit 1); SIGTERM/SIGINT stop it gracefully (exit 0).
 */
import { isServerError } from "./errors.ts";
import { start, type Started } from "./start.ts";

function fatal(message: string, extra: Record<string, unknown>): never {
  process.stderr.write(
    `${JSON.stringify({ level: "fatal", time: new Date().toISOString(), service: "wellspring-server", msg: message, ...extra })}\n`,
  );
  process.exit(1);
}

let started: Started | undefined;
let pendingSignal: string | undefined;

function shutdown(signal: string): void {
  // A signal during boot is honoured as soon as boot completes.
  if (!started) {
    pendingSignal = signal;
    return;
  }
  started.logger.info({ signal }, "signal received");
  started.stop().then(
    () => process.exit(0),
    (error: unknown) => fatal("shutdown failed", { err: String(error) }),
  );
}

// Registered before anything else so no signal can arrive while nobody listens.
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));
process.on("unhandledRejection", (reason) => fatal("unhandled rejection", { err: String(reason) }));

try {
  started = await start(process.env);
  if (pendingSignal) shutdown(pendingSignal);
} catch (error) {
  if (isServerError(error))
    fatal(error.shortMessage, { code: error.code, details: error.details, issues: error.issues });
  fatal("failed to start", { err: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
