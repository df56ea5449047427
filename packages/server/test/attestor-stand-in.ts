import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Address } from "viem";

/**
 * A local stand-in for GitHub's REST API (under `/api`) and for project domains' web roots (every
 * other path), answering with the payloads recorded in fixtures/github (see its README) with the
 * fields a test is about overridden.
 */
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/github/${name}.json`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;

/** A FLOSS/fund funding.json v1 naming `login` on GitHub as the entity and `payout` as its EVM channel. */
export const fundingJson = (login: string, payout: Address, extra = "") =>
  JSON.stringify(
    {
      version: "v1.0.0",
      entity: {
        type: "individual",
        role: "maintainer",
        name: login,
        webpageUrl: { url: `https://github.com/${login}` },
      },
      projects: [
        { guid: "lib", name: "lib", repositoryUrl: { url: `https://github.com/${login}/lib${extra}` } },
      ],
      funding: { channels: [{ guid: "wallet", type: "other", address: payout }] },
    },
    null,
    2,
  );

export interface Account {
  login: string;
  id: number;
}

export class StandIn {
  readonly users = new Map<string, Account>();
  /** `login/repo` (lower case) → owner; a moved repository answers for its new owner. */
  readonly repos = new Map<string, Account>();
  /** `login/repo/path` (owner and repository lower case; GitHub's paths are case-sensitive) → text. */
  readonly files = new Map<string, string>();
  readonly gists = new Map<string, { owner: Account | null; files: Record<string, string> }>();
  /** Web root of the project domains: path → [status, body]. */
  readonly web = new Map<string, [number, string]>();
  /** Make every API call answer like this (rate limit, outage). */
  failure: "rate-limit-403" | "rate-limit-429" | "500" | undefined;
  readonly calls: Array<{ path: string; authorization: string | undefined }> = [];
  private server = createServer((req, res) => this.answer(req, res));
  url = "";

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  addUser(login: string, id: number): Account {
    const account = { login, id };
    this.users.set(login.toLowerCase(), account);
    return account;
  }

  addRepo(owner: Account, name: string, files: Record<string, string> = {}): void {
    this.repos.set(`${owner.login}/${name}`.toLowerCase(), owner);
    for (const [path, text] of Object.entries(files)) {
      this.files.set(`${`${owner.login}/${name}`.toLowerCase()}/${path}`, text);
    }
  }

  private answer(req: IncomingMessage, res: ServerResponse): unknown {
    const path = new URL(req.url ?? "/", "http://stand-in").pathname;
    if (!path.startsWith("/api/")) {
      const page = this.web.get(path);
      res.writeHead(page?.[0] ?? 404, { "content-type": "text/plain" }).end(page?.[1] ?? "not found");
      return;
    }
    const api = path.slice(4);
    this.calls.push({ path: api, authorization: req.headers.authorization });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res
        .writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers })
        .end(JSON.stringify(body));
    const notFound = () => send(404, fixture("not-found"));
    const reset = String(Math.floor(Date.now() / 1000) + 120);
    if (this.failure === "rate-limit-403") {
      return send(403, fixture("rate-limited"), {
        "x-ratelimit-limit": "60",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": reset,
        "x-ratelimit-used": "60",
        "x-ratelimit-resource": "core",
      });
    }
    if (this.failure === "rate-limit-429") return send(429, fixture("rate-limited"), { "retry-after": "30" });
    if (this.failure === "500") return send(500, { message: "Server Error" });

    let m: RegExpExecArray | null;
    if ((m = /^\/users\/([^/]+)$/.exec(api))) {
      const user = this.users.get((m[1] as string).toLowerCase());
      return user ? send(200, { ...fixture("user"), login: user.login, id: user.id }) : notFound();
    }
    if ((m = /^\/user\/(\d+)$/.exec(api))) {
      const user = [...this.users.values()].find((u) => String(u.id) === m?.[1]);
      return user ? send(200, { ...fixture("user"), login: user.login, id: user.id }) : notFound();
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(api))) {
      const owner = this.repos.get(`${m[1]}/${m[2]}`.toLowerCase());
      if (!owner) return notFound();
      const base = fixture("repository");
      return send(200, {
        ...base,
        name: m[2],
        full_name: `${owner.login}/${m[2]}`,
        owner: { ...(base.owner as object), login: owner.login, id: owner.id },
      });
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(api))) {
      const text = this.files.get(`${`${m[1]}/${m[2]}`.toLowerCase()}/${m[3]}`);
      if (text === undefined) return notFound();
      const content = Buffer.from(text, "utf8").toString("base64").replace(/.{60}/g, "$&\n");
      return send(200, {
        ...fixture("content-file"),
        name: m[3],
        path: m[3],
        size: Buffer.byteLength(text),
        content,
      });
    }
    if ((m = /^\/gists\/([0-9a-f]+)$/i.exec(api))) {
      const gist = this.gists.get(m[1] as string);
      if (!gist) return notFound();
      const base = fixture("gist");
      return send(200, {
        ...base,
        id: m[1],
        owner: gist.owner ? { ...(base.owner as object), login: gist.owner.login, id: gist.owner.id } : null,
        files: Object.fromEntries(
          Object.entries(gist.files).map(([filename, content]) => [
            filename,
            {
              filename,
              type: "application/json",
              size: Buffer.byteLength(content),
              truncated: false,
              content,
            },
          ]),
        ),
      });
    }
    return notFound();
  }
}
