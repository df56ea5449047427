/**
 * Builds a share table's Merkle tree and table hash on a worker thread, so `attribute` writes
 * the explanation meanwhile (the machine has at least two cores; the tree's 3·10^6 keccaks at
 * 10^6 rows take about two seconds). Both are the engine's own functions
 * (`buildMerkleTreeFromWords`, `computeTableHashFromWords`), so they are byte-identical to
 * in-process ones. Small tables, or a worker that cannot start, are built in-process.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import {
  accountIdInto,
  buildMerkleTree,
  buildMerkleTreeFromWords,
  computeTableHash,
  computeTableHashFromWords,
  shareWords,
  type MerkleTree,
  type TableRows,
} from "@wellspring/attribution";

/** Below this many rows the worker's start-up (~0.3 s) costs more than it saves. */
export const WORKER_MIN_ROWS = 50_000;

interface Request {
  ids: Uint8Array;
  words: Uint8Array;
  totalShares: string;
}
interface Reply {
  length: number;
  nodes: Uint8Array;
  treeIndex: Uint32Array;
  tableHash: `0x${string}`;
}

/** What the worker computes: the tree and the table hash (both need every row's bytes). */
export interface TreeAndHash {
  tree: MerkleTree;
  tableHash: `0x${string}`;
}

/**
 * A worker thread started ahead of time (loading TypeScript and the engine takes a few tenths of
 * a second), waiting for one request; `close()` ends it.
 */
export class MerkleWorker {
  /** Set when the worker failed or exited before it was used. */
  dead = false;

  private constructor(readonly worker: Worker) {
    // Never keeps the process alive on its own; a failure makes the request fall back.
    worker.unref();
    worker.on("error", () => (this.dead = true));
    worker.on("exit", () => (this.dead = true));
  }

  /** Starts a worker, or returns undefined when none can be started. */
  static start(): MerkleWorker | undefined {
    try {
      return new MerkleWorker(spawn());
    } catch {
      return undefined;
    }
  }

  /** Set by close(): a request still out is then abandoned, not redone in-process. */
  closed = false;

  close(): void {
    this.closed = true;
    void this.worker.terminate();
  }

  /**
   * For AttributeOptions.accountIds: hands the identities to the worker, which writes their
   * accountIds into shared memory while the engine goes on (the flow); the function returned
   * waits for them (blocking: the engine is synchronous). If the worker is gone, has not started
   * on them within `startMs` or not finished within `timeoutMs`, the ids are computed here: the
   * result is the same either way.
   */
  accountIds(identities: readonly string[], timeoutMs = 60_000, startMs = 5_000): () => Uint8Array {
    const shared = new SharedArrayBuffer(8 + identities.length * 32);
    const flag = new Int32Array(shared, 0, 2);
    const inProcess = (): Uint8Array => {
      const out = new Uint8Array(identities.length * 32);
      for (let i = 0; i < identities.length; i++) accountIdInto(identities[i]!, out, i * 32);
      return out;
    };
    if (this.dead) return inProcess;
    try {
      this.worker.postMessage({ identities, shared });
    } catch {
      return inProcess;
    }
    return () => {
      // flag[1] is set when the worker starts on them, flag[0] when it is done (1) or failed (2).
      // Worker events cannot be seen while blocked here, so a worker that never started (it
      // died, or is stuck loading) is given up on after a few seconds.
      const start = Date.now();
      while (Atomics.load(flag, 0) === 0) {
        const waited = Date.now() - start;
        if (this.dead || waited > timeoutMs || (Atomics.load(flag, 1) === 0 && waited > startMs)) break;
        Atomics.wait(flag, 0, 0, 50);
      }
      return Atomics.load(flag, 0) === 1 ? new Uint8Array(shared, 8) : inProcess();
    };
  }
}

/** A pending tree and table hash: `rows` are copied, so the caller may go on using them. */
export function merkleTreeInBackground(
  rows: Pick<TableRows, "length" | "accountIds" | "shares">,
  totalShares: bigint,
  options: {
    /** Force the worker on or off (default: on from WORKER_MIN_ROWS rows). */
    worker?: boolean;
    /** A worker started earlier (MerkleWorker.start); otherwise one is started here. */
    warm?: MerkleWorker | undefined;
    /** Fail when the worker fails, instead of building in-process (for tests). */
    strict?: boolean;
  } = {},
): Promise<TreeAndHash> {
  // The request's buffers move to the worker; a fallback builds from `rows` again.
  const inProcess = (): TreeAndHash => ({
    tree: buildMerkleTree(rows.accountIds, rows.shares),
    tableHash: computeTableHash(totalShares, rows),
  });
  const useWorker = options.worker ?? rows.length >= WORKER_MIN_ROWS;
  if (!useWorker) return Promise.resolve(inProcess());
  const request: Request = {
    ids: rows.accountIds.slice(),
    words: shareWords(rows.shares),
    totalShares: totalShares.toString(),
  };
  return new Promise<TreeAndHash>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = options.warm !== undefined && !options.warm.dead ? options.warm.worker : spawn();
      worker.postMessage(request, [request.ids.buffer as ArrayBuffer, request.words.buffer as ArrayBuffer]);
    } catch (error) {
      if (options.strict === true) reject(error as Error);
      else resolve(inProcess());
      return;
    }
    // While a request is out, the worker keeps the process alive.
    worker.ref();
    let settled = false;
    const fallBack = (error: unknown): void => {
      if (settled) return;
      settled = true;
      // The caller closed the worker (it failed and gave up): nobody waits for the tree.
      if (options.warm?.closed === true) return;
      if (options.strict === true)
        reject(
          error instanceof Error ? error : new Error(`the Merkle worker exited with code ${String(error)}`),
        );
      else resolve(inProcess());
    };
    worker.once("message", (reply: Reply) => {
      if (settled) return;
      settled = true;
      resolve({
        tree: { length: reply.length, nodes: reply.nodes, treeIndex: reply.treeIndex },
        tableHash: reply.tableHash,
      });
      void worker.terminate();
    });
    worker.once("error", fallBack);
    worker.once("exit", fallBack);
  });
}

/**
 * The worker runs this file. Built, it is JavaScript the worker loads as is. In the repository it is
 * TypeScript run through tsx, which the worker registers itself (hooks registered in the main
 * thread do not reach workers), resolving `@wellspring/*` to sources as the main thread does.
 */
function spawn(): Worker {
  const self = import.meta.url;
  const workerData = { merkleWorker: true };
  if (!self.endsWith(".ts")) return new Worker(new URL(self), { execArgv: [], workerData });
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(self)}); });`;
  return new Worker(boot, { eval: true, execArgv: ["--conditions=wellspring-source"], workerData });
}

// Worker side: optionally accountIds (answered through shared memory), then one tree request.
if (!isMainThread && parentPort !== null) {
  const data = workerData as { merkleWorker?: boolean } | null;
  if (data?.merkleWorker === true) {
    const port = parentPort;
    port.on("message", (message: Request | { identities: string[]; shared: SharedArrayBuffer }) => {
      if ("identities" in message) {
        const flag = new Int32Array(message.shared, 0, 2);
        Atomics.store(flag, 1, 1);
        try {
          const out = new Uint8Array(message.shared, 8);
          const { identities } = message;
          for (let i = 0; i < identities.length; i++) accountIdInto(identities[i]!, out, i * 32);
          Atomics.store(flag, 0, 1);
        } catch {
          Atomics.store(flag, 0, 2);
        }
        Atomics.notify(flag, 0);
        return;
      }
      const { ids, words, totalShares } = message;
      const tree = buildMerkleTreeFromWords(ids, words);
      // `nodes` is a view into the WebAssembly memory, which cannot be transferred: copy it out.
      const nodes = tree.nodes.slice();
      const tableHash = computeTableHashFromWords(BigInt(totalShares), ids, words);
      const reply: Reply = { length: tree.length, nodes, treeIndex: tree.treeIndex, tableHash };
      port.postMessage(reply, [nodes.buffer, tree.treeIndex.buffer as ArrayBuffer]);
    });
  }
}
