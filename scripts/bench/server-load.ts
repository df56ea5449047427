/**
 * The load generator of `npm run bench:server`, run as its own process so that it does not share
 * the server's event loop: autocannon against one claims URL per request, cycling through a file
 * of paths (real accountIds and identities of the benchmark's table). Prints autocannon's result
 * as one JSON line.
 *
 *   node --import tsx scripts/bench/server-load.ts <config.json>
 *   config: { url, pathsFile, connections, durationSeconds }
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

interface AutocannonResult {
  requests: { average: number; total: number; sent: number };
  latency: { p50: number; p90: number; p99: number; p99_9?: number; average: number; max: number };
  throughput: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  "2xx": number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: { method: string; setupRequest: (request: { path: string }) => { path: string } }[];
}) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;
const config = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as {
  url: string;
  pathsFile: string;
  connections: number;
  durationSeconds: number;
};
const paths = readFileSync(config.pathsFile, "utf8").split("\n").filter(Boolean);
let next = 0;
const result = await autocannon({
  url: config.url,
  connections: config.connections,
  duration: config.durationSeconds,
  requests: [
    {
      method: "GET",
      setupRequest: (request) => {
        request.path = paths[next++ % paths.length]!;
        return request;
      },
    },
  ],
});
process.stdout.write(`${JSON.stringify(result)}\n`);
