import { Worker } from "node:worker_threads";
import {
  WellspringError,
  type AttributionReport,
  type ErrorCode,
  type TableRows,
} from "@wellspring/attribution";
import type { Hex } from "viem";

export interface EngineJob {
  id: number;
  files: { name: string; content: Uint8Array }[];
  policy: unknown;
  /** accountIds (lower-case 0x hex) whose lines of the engine's full explanation to return. */
  explain?: string[];
}

export interface EngineTable {
  version: number;
  totalShares: bigint;
  root: Hex;
  policyHash: Hex;
  inputsHash: Hex;
  tableHash: Hex;
  engineVersion: string;
  rows: TableRows;
}

export type EngineAnswer =
  | {
      id: number;
      ok: true;
      table: EngineTable;
      report: AttributionReport;
      sha256: string[];
      /** The explanation's recipient lines (parsed) of the accountIds the job asked about. */
      explanations?: unknown[];
    }
  | {
      id: number;
      ok: false;
      error:
        | {
            engine: true;
            code: ErrorCode;
            shortMessage: string;
            file: string | undefined;
            field: string | undefined;
            line: number | undefined;
            column: number | undefined;
            details: string | undefined;
          }
        | { engine: false; message: string };
    };

export type EngineResult = Extract<EngineAnswer, { ok: true }>;

/**
 * The worker's file, next to this one: JavaScript when built (dist/), TypeScript in the repository, where the
 * worker inherits this process's execArgv (`--import tsx`) and so loads the .ts sources too.
 */
const WORKER = new URL(
  import.meta.url.endsWith(".ts") ? "./attribute-worker.ts" : "./attribute-worker.js",
  import.meta.url,
);

/**
 * Runs the attribution engine in one worker thread, one job at a time (the machine's other core
 * keeps serving requests). The worker starts on first use and does not keep the process alive
 * while idle; if it dies, the jobs in flight fail and the next job starts a new one.
 */
export class AttributeRunner {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (r: EngineResult) => void; reject: (e: Error) => void }
  >();

  run(files: EngineJob["files"], policy: unknown, explain?: string[]): Promise<EngineResult> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<EngineResult>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, files, policy, ...(explain ? { explain } : {}) } satisfies EngineJob);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER);
    worker.on("message", (answer: EngineAnswer) => {
      const job = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0) worker.unref();
      if (!job) return;
      if (answer.ok) return job.resolve(answer);
      const e = answer.error;
      job.reject(
        e.engine
          ? new WellspringError(e.code, e.shortMessage, {
              ...(e.file === undefined ? {} : { file: e.file }),
              ...(e.field === undefined ? {} : { field: e.field }),
              ...(e.line === undefined ? {} : { line: e.line }),
              ...(e.column === undefined ? {} : { column: e.column }),
              ...(e.details === undefined ? {} : { details: e.details }),
            })
          : new Error(`the attribution worker failed: ${e.message}`),
      );
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const job of this.waiting.values()) job.reject(error);
      this.waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the attribution worker exited (${code})`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
