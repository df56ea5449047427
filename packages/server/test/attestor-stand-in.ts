import { createHash, randomBytes } from "node:crypto";
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
  /** The OAuth app "Sign in with GitHub" uses (GITHUB_OAUTH_CLIENT_ID / _SECRET). */
  readonly oauthApp = { clientId: "Iv1.8a61f9b3a7aba766", clientSecret: "stand-in-client-secret" };
  /** Who signs in at /login/oauth/authorize; undefined = the user denies the app. */
  signIn: Account | undefined;
  private readonly codes = new Map<string, { account: Account; challenge: string; redirectUri: string }>();
  private readonly tokens = new Map<string, Account>();
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

  /** github.com's OAuth web flow: authorize (a redirect back) and the code-for-token exchange. */
  private async oauth(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const json = (body: unknown) =>
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
    if (url.pathname === "/login/oauth/authorize") {
      const q = url.searchParams;
      const redirect = new URL(q.get("redirect_uri") ?? "");
      if (q.get("client_id") !== this.oauthApp.clientId) {
        res.writeHead(404, { "content-type": "text/html" }).end("<h1>404</h1>");
        return;
      }
      if (!this.signIn) {
        redirect.searchParams.set("error", "access_denied");
        redirect.searchParams.set("error_description", "The user has denied your application access.");
        redirect.searchParams.set(
          "error_uri",
          "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied",
        );
      } else {
        const code = randomBytes(10).toString("hex");
        this.codes.set(code, {
          account: this.signIn,
          challenge: q.get("code_challenge") ?? "",
          redirectUri: redirect.toString(),
        });
        redirect.searchParams.set("code", code);
      }
      redirect.searchParams.set("state", q.get("state") ?? "");
      res.writeHead(302, { location: redirect.toString() }).end();
      return;
    }
    // POST /login/oauth/access_token
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = (
      req.headers["content-type"]?.includes("json")
        ? JSON.parse(text)
        : Object.fromEntries(new URLSearchParams(text))
    ) as Record<string, string>;
    if (body.client_id !== this.oauthApp.clientId || body.client_secret !== this.oauthApp.clientSecret)
      return void json(fixture("oauth-incorrect-client-credentials"));
    const grant = this.codes.get(body.code ?? "");
    this.codes.delete(body.code ?? "");
    const pkce = createHash("sha256")
      .update(body.code_verifier ?? "")
      .digest("base64url");
    if (!grant || grant.redirectUri !== body.redirect_uri || grant.challenge !== pkce)
      return void json(fixture("oauth-bad-verification-code"));
    const token = `gho_${randomBytes(18).toString("hex")}`;
    this.tokens.set(token, grant.account);
    json({ ...fixture("oauth-token"), access_token: token });
  }

  private answer(req: IncomingMessage, res: ServerResponse): unknown {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const path = url.pathname;
    if (path.startsWith("/login/oauth/")) return this.oauth(req, res, url);
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
    if (api === "/user") {
      const user = this.tokens.get(req.headers.authorization?.replace(/^Bearer /, "") ?? "");
      return user
        ? send(200, { ...fixture("user"), login: user.login, id: user.id })
        : send(401, fixture("requires-authentication"));
    }
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
