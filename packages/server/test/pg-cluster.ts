import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chmod, chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/** Debian installs the server binaries under /usr/lib/postgresql/<major>/bin; PG_BIN overrides. */
function binDir(): string | undefined {
  if (process.env.PG_BIN)
    return existsSync(join(process.env.PG_BIN, "pg_ctl")) ? process.env.PG_BIN : undefined;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  return majors.map((m) => join(root, m, "bin")).find((dir) => existsSync(join(dir, "pg_ctl")));
}

/** Why a throwaway cluster cannot be started here, or false. Only missing binaries are a reason. */
export function clusterSkip(): string | false {
  return binDir() ? false : "PostgreSQL server binaries (initdb, pg_ctl) not found; set PG_BIN";
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway PostgreSQL cluster on a free port, owned by this test: it can be stopped, started
 * and restarted mid-load, which the shared server cannot. PostgreSQL refuses to run as root, so as
 * root the binaries run as the `postgres` user.
 */
export class PgCluster {
  private constructor(
    private readonly bin: string,
    readonly dir: string,
    readonly port: number,
    /** As root: the `postgres` user's ids, which the binaries run under (no `runuser` on PATH needed). */
    private readonly owner: { uid: number; gid: number } | undefined,
  ) {}

  static async start(): Promise<PgCluster> {
    const bin = binDir();
    if (!bin) throw new Error(String(clusterSkip()));
    const dir = await mkdtemp(join(tmpdir(), "ws-pg-"));
    let owner: { uid: number; gid: number } | undefined;
    if (process.getuid?.() === 0) {
      const { stdout: uid } = await run("id", ["-u", "postgres"]);
      const { stdout: gid } = await run("id", ["-g", "postgres"]);
      owner = { uid: Number(uid.trim()), gid: Number(gid.trim()) };
      await chown(dir, owner.uid, owner.gid);
    }
    await chmod(dir, 0o700);
    const cluster = new PgCluster(bin, dir, await freePort(), owner);
    await cluster.exec("initdb", ["-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync"]);
    await cluster.startServer();
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private async exec(tool: string, args: string[]): Promise<void> {
    await run(join(this.bin, tool), args, this.owner ?? {});
  }

  /** Starts the server and waits until it accepts connections. */
  async startServer(): Promise<void> {
    await this.exec("pg_ctl", [
      "-D",
      join(this.dir, "data"),
      "-l",
      join(this.dir, "log"),
      "-w",
      "-o",
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "start",
    ]);
  }

  /** `fast` ends every session (57P01) like a clean restart; `immediate` is a crash. */
  async stopServer(mode: "fast" | "immediate" = "fast"): Promise<void> {
    await this.exec("pg_ctl", ["-D", join(this.dir, "data"), "-m", mode, "-w", "stop"]);
  }

  /** Ends every other backend connected to `database` (what an operator or a fail-over does). */
  async terminateBackends(database = "postgres"): Promise<number> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        [database],
      );
      // The timeout makes the call wait until the backend has exited.
      for (const { pid } of rows) await client.query("SELECT pg_terminate_backend($1, 5000)", [pid]);
      return rows.length;
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    await this.stopServer("immediate").catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
