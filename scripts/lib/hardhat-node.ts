/**
 * `hardhat node --hostname 127.0.0.1 --port <port>` as a child process in its own process group,
 * under this very Node (22, whatever `node` is first on PATH). Used by `npm start`, the
 * browser tests and the SDK's ethers test.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { type AddressInfo, createServer } from "node:net";
import path from "node:path";

export interface HardhatNode {
  url: string;
  /** One JSON-RPC call; rejects with the node's error message. */
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  /** SIGTERM to the group, SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that is free now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the node and resolves once it answers `eth_chainId` (or rejects with its output). */
/** Hardhat's command line entry point, run with this very Node (22) rather than through npx. */
export function hardhatCli(root: string): string {
  return path.join(root, "node_modules", "hardhat", "dist", "src", "cli.js");
}

export async function startHardhatNode(options: {
  root: string;
  port: number;
  /** `--chain-id` (default Hardhat's 31337). */
  chainId?: number;
  timeoutMs?: number;
}): Promise<HardhatNode> {
  const url = `http://127.0.0.1:${options.port}`;
  const cli = hardhatCli(options.root);
  const chainId = options.chainId === undefined ? [] : ["--chain-id", String(options.chainId)];
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, "node", "--hostname", "127.0.0.1", "--port", String(options.port), ...chainId],
    { cwd: options.root, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let exited = false;
  child.once("exit", () => (exited = true));
  let output = "";
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const rpc = async (method: string, params: unknown[] = []): Promise<unknown> => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
  };
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    const gone = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    if (!exited) process.kill(-child.pid, "SIGKILL");
  };
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (exited) throw new Error(`hardhat node exited (${child.exitCode}):\n${output}`);
    try {
      await rpc("eth_chainId");
      return { url, rpc, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`hardhat node did not answer on ${url}:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
