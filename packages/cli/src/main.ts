/**
 * The `wellspring` command. Exit codes: 0 ok, 1 verification mismatch, 2 usage error,
 * 3 bad input (file, format, schema, reference, policy, table), 4 account not in the table,
 * 70 internal error. Errors go to stderr as one line naming the file and field.
 */
import { WellspringError } from "@wellspring/attribution";
import { EXIT, exitCodeOf, run } from "./cli.ts";

function report(error: unknown, json: boolean): void {
  if (error instanceof WellspringError) {
    if (json) {
      const { code, shortMessage, file, field, line, column, details } = error;
      process.stderr.write(
        `${JSON.stringify({ error: { code, message: shortMessage, file, field, line, column, details } })}\n`,
      );
    } else {
      process.stderr.write(`wellspring: error ${error.code}: ${error.message}\n`);
    }
    return;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (json) process.stderr.write(`${JSON.stringify({ error: { code: "INTERNAL", message } })}\n`);
  else process.stderr.write(`wellspring: internal error (please report it): ${message}\n`);
}

// A reader that closed the pipe early (`wellspring proof … | head`) has what it wanted: stop quietly
// rather than with an unhandled EPIPE. The output directory is complete before anything is printed.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? EXIT.ok);
});

const argv = process.argv.slice(2);
const json = argv.includes("--json");
try {
  await run(argv, { stdout: process.stdout, cwd: process.cwd() });
  process.exitCode = EXIT.ok;
} catch (error) {
  report(error, json);
  process.exitCode = exitCodeOf(error);
}
