// signedBy (every admin request and payee attestation goes through it) and the `account` path
// parameter: an ordinary key's signature needs no chain, a contract wallet's is asked on the chain
// by ERC-1271, and a chain that cannot answer is an error, never a guessed "no".
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { identityToAccountId, toAccountId } from "@wellspring/protocol";
import { getAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { signedBy, type SignatureChain } from "../src/auth/signatures.ts";
import { isServerError } from "../src/errors.ts";
import { accountParam } from "../src/services/shared.ts";

const signer = privateKeyToAccount(generatePrivateKey());
const typed = {
  domain: { name: "Wellspring test", version: "1", chainId: 31337 },
  types: { Note: [{ name: "text", type: "string" }] },
  primaryType: "Note" as const,
  message: { text: "pay alice" },
};
const WALLET = getAddress("0x00000000000000000000000000000000000c0de1");

/** A chain stub that records what it was asked. */
function chain(code: Hex | undefined, answer: boolean | Error, codeError?: Error) {
  const asked: { getCode: Address[]; verify: { address: Address; signature: unknown; message: unknown }[] } =
    {
      getCode: [],
      verify: [],
    };
  const stub = {
    async getCode({ address }: { address: Address }) {
      asked.getCode.push(address);
      if (codeError) throw codeError;
      return code;
    },
    async verifyTypedData(p: { address: Address; signature: unknown; message: unknown }) {
      asked.verify.push({ address: p.address, signature: p.signature, message: p.message });
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as SignatureChain;
  return { stub, asked };
}

describe("signedBy", () => {
  it("accepts the key's own signature without asking the chain", async () => {
    const signature = await signer.signTypedData(typed);
    const { stub, asked } = chain("0x6080", new Error("must not be asked"), new Error("must not be asked"));
    assert.equal(await signedBy(signer.address, { ...typed, signature }, stub), true);
    assert.equal(await signedBy(signer.address, { ...typed, signature }, undefined), true);
    assert.deepEqual(asked.getCode, []);
  });

  it("refuses another key's signature, or another message, when there is no chain", async () => {
    const signature = await signer.signTypedData(typed);
    const other = privateKeyToAccount(generatePrivateKey()).address;
    assert.equal(await signedBy(other, { ...typed, signature }, undefined), false);
    assert.equal(
      await signedBy(signer.address, { ...typed, message: { text: "pay bob" }, signature }, undefined),
      false,
    );
    // Not an ECDSA signature at all: still a plain "no", not an error.
    assert.equal(await signedBy(signer.address, { ...typed, signature: "0x1234" }, undefined), false);
  });

  it("asks a contract wallet by ERC-1271 and returns its answer", async () => {
    const signature = "0xabcdef" as Hex;
    for (const answer of [true, false]) {
      const { stub, asked } = chain("0x6080", answer);
      assert.equal(await signedBy(WALLET, { ...typed, signature }, stub), answer);
      assert.deepEqual(asked.getCode, [WALLET]);
      assert.deepEqual(asked.verify, [{ address: WALLET, signature, message: typed.message }]);
    }
  });

  it("does not ask ERC-1271 of an address without code", async () => {
    const signature = await signer.signTypedData(typed);
    const other = privateKeyToAccount(generatePrivateKey()).address;
    for (const code of [undefined, "0x" as Hex]) {
      const { stub, asked } = chain(code, true);
      assert.equal(await signedBy(other, { ...typed, signature }, stub), false);
      assert.deepEqual(asked.getCode, [other]);
      assert.deepEqual(asked.verify, []);
    }
  });

  it("is CHAIN_UNAVAILABLE when the chain does not answer, never false", async () => {
    const signature = "0xabcdef" as Hex;
    for (const { stub } of [
      chain(undefined, true, new Error("down")),
      chain("0x6080", new Error("timeout")),
    ]) {
      await assert.rejects(signedBy(WALLET, { ...typed, signature }, stub), (e: unknown) => {
        assert.ok(isServerError(e, "CHAIN_UNAVAILABLE"), String(e));
        return true;
      });
    }
  });
});

function reasonOf(account: string): string {
  try {
    toAccountId(account);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${account} was accepted`);
}

describe("accountParam", () => {
  it("takes an address, an accountId or an identity", () => {
    assert.equal(accountParam(signer.address), toAccountId(signer.address));
    assert.equal(accountParam("github:alice"), identityToAccountId("github:alice"));
    const id = identityToAccountId("github:bob");
    assert.equal(accountParam(id), id);
  });

  it("refuses what is none of them (an empty account) with a 400 naming the parameter and the reason", () => {
    for (const bad of [""]) {
      assert.throws(
        () => accountParam(bad),
        (e: unknown) => {
          assert.ok(isServerError(e, "VALIDATION"), String(e));
          assert.equal(e.issues?.length, 1);
          assert.equal(e.issues[0]!.path, "params.account");
          // The protocol's own reason, as its message (not "ProtocolArgumentError: …").
          assert.equal(e.issues[0]!.message, reasonOf(bad));
          return true;
        },
      );
    }
  });
});
