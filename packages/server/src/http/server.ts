import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /**
   * Graceful stop: refuse new connections, mark the app as shutting down (readyz -> 503), let
   * in-flight requests finish, then resolve. Connections still busy after `timeoutMs` are cut.
   */
  close(): Promise<void>;
}

export async function listen(
  app: Express,
  options: { host: string; port: number; shutdownTimeoutMs: number },
): Promise<RunningServer> {
  const server = createServer(app);
  // Slow-loris protection: a client must send its headers and body in reasonable time.
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port, address, family } = server.address() as AddressInfo;
  const host = family === "IPv6" ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve, reject) => {
      app.locals.shuttingDown = true;
      // Keep-alive connections go idle once their request is answered; close them as they do.
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const force = setTimeout(() => server.closeAllConnections(), options.shutdownTimeoutMs);
      server.close((error) => {
        clearInterval(idle);
        clearTimeout(force);
        if (error) reject(error);
        else resolve();
      });
      server.closeIdleConnections();
    }));
  return { server, url: `http://${host}:${port}`, port, close };
}
