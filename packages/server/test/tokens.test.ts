import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Address, type PublicClient, getAddress, zeroAddress } from "viem";
import type { Database } from "../src/db/database.ts";
import { decodeDecimals, decodeSymbol } from "../src/services/tokens.ts";
import { deployChain } from "./chain-fixture.ts";
import { backends, startTestServer, type ErrorBody, type TestServer } from "./helpers.ts";

type Token = { address: string; symbol: string; decimals: number; native: boolean; guessed: string[] };

for (const backend of await backends()) {
  describe(`token metadata read from the chain once [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let chain: Awaited<ReturnType<typeof deployChain>>;
    let server: TestServer;
    let mkr: Address;
    let calls = 0;

    before(async () => {
      ({ db, dispose } = await backend.open());
      chain = await deployChain();
      mkr = getAddress(
        ((await chain.connection.viem.deployContract("Bytes32SymbolToken" as never)) as { address: Address })
          .address,
      );
      // Counts the server's eth_calls, to show a token is read once and then served from the database.
      const counted = new Proxy(chain.publicClient, {
        get(target, key, receiver) {
          if (key === "call")
            return (...args: Parameters<PublicClient["call"]>) => {
              calls++;
              return target.call(...args);
            };
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
      server = await startTestServer(db, { chain: counted });
    });
    after(async () => {
      await server?.close();
      await chain?.connection.close();
      await dispose?.();
    });

    const get = async (address: string): Promise<Token> => {
      const res = await fetch(`${server.url}/v1/tokens/${address}`);
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as Token;
    };

    it("names the chain's currency for the zero address without asking the chain", async () => {
      assert.deepEqual(await get(zeroAddress), {
        address: zeroAddress,
        symbol: "ETH",
        decimals: 18,
        native: true,
        guessed: [],
      });
      assert.equal(calls, 0);
    });

    it("reads an ERC-20's symbol and decimals once, then serves them stored", async () => {
      const usdc = {
        address: getAddress(chain.usdc),
        symbol: "USDC",
        decimals: 6,
        native: false,
        guessed: [],
      };
      assert.deepEqual(await get(chain.usdc.toLowerCase()), usdc);
      assert.equal(calls, 2);
      assert.deepEqual(await get(chain.usdc), usdc);
      assert.equal(calls, 2, "the second answer comes from the tokens table");
    });

    it("tolerates a bytes32 symbol and missing functions, saying what it guessed", async () => {
      assert.deepEqual(await get(mkr), {
        address: mkr,
        symbol: "MKR",
        decimals: 0,
        native: false,
        guessed: ["decimals"],
      });
      // The registry is a contract without either function; an address without code answers nothing.
      for (const address of [getAddress(chain.registry), getAddress(chain.wallets.other.account.address)]) {
        const t = await get(address);
        assert.deepEqual(t.guessed, ["symbol", "decimals"]);
        assert.equal(t.decimals, 0);
        assert.equal(t.symbol, `${address.slice(0, 6)}…${address.slice(-4)}`);
      }
    });

    it("answers 400 for a malformed address and 503 when a token is new and there is no chain", async () => {
      const bad = await fetch(`${server.url}/v1/tokens/0x1234`);
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as ErrorBody).error.issues?.[0]?.path, "params.address");
      const chainless = await startTestServer(db);
      try {
        const unknown = await fetch(`${chainless.url}/v1/tokens/${chain.factory}`);
        assert.equal(unknown.status, 503);
        assert.equal(((await unknown.json()) as ErrorBody).error.code, "CHAIN_UNAVAILABLE");
        // What was read before is stored: no chain is needed to serve it.
        const stored = await fetch(`${chainless.url}/v1/tokens/${chain.usdc}`);
        assert.equal(((await stored.json()) as Token).symbol, "USDC");
      } finally {
        await chainless.close();
      }
    });
  });
}

describe("token answers as the chain gives them", () => {
  it("decodes string and bytes32 symbols, refuses garbage, caps the length", () => {
    const abiString = (s: string) => {
      const hex = Buffer.from(s).toString("hex");
      const len = (hex.length / 2).toString(16).padStart(64, "0");
      return `0x${"20".padStart(64, "0")}${len}${hex.padEnd(Math.ceil(hex.length / 64) * 64, "0")}` as const;
    };
    assert.equal(decodeSymbol(abiString("USDC")), "USDC");
    assert.equal(decodeSymbol(`0x${Buffer.from("MKR").toString("hex").padEnd(64, "0")}`), "MKR");
    assert.equal(decodeSymbol("0x"), null);
    assert.equal(decodeSymbol(`0x${"00".repeat(32)}`), null);
    assert.equal(decodeSymbol(abiString("\u0007 \n")), null);
    assert.equal(decodeSymbol(abiString("X".repeat(100)))?.length, 64);
    assert.equal(decodeDecimals(`0x${"12".padStart(64, "0")}`), 18);
    assert.equal(decodeDecimals(`0x${"100".padStart(64, "0")}`), null);
    assert.equal(decodeDecimals("0x"), null);
  });
});
