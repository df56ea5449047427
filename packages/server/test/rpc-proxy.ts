import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface RpcCall {
  method: string;
  params: unknown[];
}

/** An EIP-1193 `request`, e.g. a Hardhat connection's provider. */
export type Upstream = (call: RpcCall) => Promise<unknown>;

/**
 * What the proxy does with one call: answer HTTP `status` (429, 502...), never answer (`hang`: the
 * client's timeout fires), answer `result` instead of the chain, or ask another `upstream`.
 * Undefined = forward to the chain.
 */
export type FaultAction = { status: number } | { hang: true } | { result: unknown } | { upstream: Upstream };
export type Fault = (call: RpcCall) => FaultAction | undefined;

/**
 * A JSON-RPC proxy in front of a real chain that injects faults call by call, so the indexer meets
 * the failures a hosted RPC produces: rate limits, timeouts, wrong answers, another chain.
 */
export class RpcProxy {
  fault: Fault = () => undefined;
  readonly calls: string[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(upstream: Upstream): Promise<RpcProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const proxy = new RpcProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => void proxy.handle(upstream, Buffer.concat(chunks).toString("utf8"), res));
    });
    server.on("connection", (socket: Socket) => {
      proxy.sockets.add(socket);
      socket.on("close", () => proxy.sockets.delete(socket));
    });
    return proxy;
  }

  private async handle(upstream: Upstream, text: string, res: ServerResponse): Promise<void> {
    const request = JSON.parse(text) as { id: number; method: string; params?: unknown[] };
    const call = { method: request.method, params: request.params ?? [] };
    this.calls.push(call.method);
    const action = this.fault(call);
    if (action && "status" in action) {
      res.writeHead(action.status, { "content-type": "application/json" }).end('{"error":"injected"}');
      return;
    }
    if (action && "hang" in action) {
      this.hanging.add(res);
      return;
    }
    let body: Record<string, unknown>;
    try {
      const result =
        action && "result" in action ? action.result : await (action?.upstream ?? upstream)(call);
      body = { jsonrpc: "2.0", id: request.id, result };
    } catch (error) {
      body = { jsonrpc: "2.0", id: request.id, error: { code: -32000, message: String(error) } };
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
