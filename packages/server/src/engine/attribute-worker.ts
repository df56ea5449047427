/**
 * Worker thread body: runs the attribution engine on one job at a time, so a large run never
 * blocks the server's event loop. Receives `{ id, files: [{ name, content }], policy }`; answers
 * `{ id, ok: true, table, report, sha256 }` (the table's scalars and rows, which structured
 * clone carries as typed arrays and bigints) or `{ id, ok: false, error }` with the engine error's
 * fields, rebuilt as a WellspringError on the other side.
 */
import { parentPort } from "node:worker_threads";
import { attribute, inputFile, isWellspringError } from "@wellspring/attribution";
import type { EngineJob, EngineAnswer } from "./attribute-runner.ts";

if (!parentPort) throw new Error("attribute-worker.ts runs as a worker thread");
const port = parentPort;

port.on("message", (job: EngineJob) => {
  let answer: EngineAnswer;
  try {
    const files = job.files.map((f) => inputFile(f.name, f.content));
    const result = attribute({ files, policy: job.policy });
    const { table, report } = result;
    const explanations = job.explain
      ? explainedLines(result.explanation({ encoding: "full" }), job.explain)
      : undefined;
    answer = {
      id: job.id,
      ok: true,
      sha256: files.map((f) => f.sha256),
      report,
      ...(explanations ? { explanations } : {}),
      table: {
        version: table.version,
        totalShares: table.totalShares,
        root: table.root,
        policyHash: table.policyHash,
        inputsHash: table.inputsHash,
        tableHash: table.tableHash,
        engineVersion: table.engineVersion,
        rows: {
          length: table.rows.length,
          accountIds: table.rows.accountIds,
          shares: [...table.rows.shares],
          identities: [...table.rows.identities],
        },
      },
    };
  } catch (error) {
    answer = isWellspringError(error)
      ? {
          id: job.id,
          ok: false,
          error: {
            engine: true,
            code: error.code,
            shortMessage: error.shortMessage,
            file: error.file,
            field: error.field,
            line: error.line,
            column: error.column,
            details: error.details,
          },
        }
      : {
          id: job.id,
          ok: false,
          error: { engine: false, message: String((error as Error)?.stack ?? error) },
        };
  }
  port.postMessage(answer);
});

/** The recipient lines of the full explanation whose accountId is asked for, parsed. */
function explainedLines(lines: Iterable<string>, accountIds: string[]): unknown[] {
  const wanted = accountIds.map((id) => `{"accountId":"${id.toLowerCase()}"`);
  const found: unknown[] = [];
  for (const chunk of lines) {
    if (!wanted.some((w) => chunk.includes(w))) continue;
    for (const line of chunk.split("\n")) {
      if (wanted.some((w) => line.startsWith(w))) found.push(JSON.parse(line));
    }
  }
  return found;
}
