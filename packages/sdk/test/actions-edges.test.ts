import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import {
  type Address,
  type Hex,
  createWalletClient,
  custom,
  decodeFunctionData,
  erc20Abi,
  getAddress,
  toFunctionSelector,
  zeroAddress,
} from "viem";

import {
  buildClaims,
  claim,
  deposit,
  depositETH,
  depositWithPermit,
  identityRegistryAbi,
  identityToAccountId,
  isSdkError,
  proposeSchedule,
  royaltyPoolAbi,
  signAttestation,
  submitAttestation,
  sync,
  type ShareTree,
} from "../src/index.ts";
import { ACTIVATION_DELAY, type Fixture, deployFixture } from "./helpers/fixture.ts";
import { addr, entitled, makeTable } from "./helpers/table.ts";

const IDENTITY = "github:edges";
const PAYEE_OF = toFunctionSelector("payeeOf(bytes32)");
const EIP712_DOMAIN = toFunctionSelector("eip712Domain()");
const selectorOf = (name: "claim" | "claimOneLeaf") =>
  toFunctionSelector(
    royaltyPoolAbi.find(
      (i): i is Extract<typeof i, { type: "function" }> => i.type === "function" && i.name === name,
    )!,
  );

interface Call {
  method: string;
  params?: unknown;
}

/**
 * A wallet client for `address` over the fixture's chain that records every JSON-RPC request;
 * `rewrite` may answer or change a request's result (e.g. a token without eip712Domain).
 */
function recordingClient(
  f: Fixture,
  address: Address,
  rewrite?: (call: Call, send: () => Promise<unknown>) => Promise<unknown>,
) {
  const calls: Call[] = [];
  const provider = f.connection.provider as { request(args: Call): Promise<unknown> };
  const transport = custom({
    request: async (args: Call) => {
      calls.push(args);
      const send = () => provider.request(args);
      return rewrite ? rewrite(args, send) : send();
    },
  });
  const client = createWalletClient({ account: address, chain: f.publicClient.chain, transport });
  /** The `data` of every eth_call and eth_estimateGas sent. */
  const callData = (): Hex[] =>
    calls
      .filter((c) => c.method === "eth_call" || c.method === "eth_estimateGas")
      .map((c) => ((c.params as [{ data?: Hex; input?: Hex }])[0].data ?? "0x") as Hex);
  const sent = () => calls.filter((c) => c.method === "eth_sendTransaction").length;
  return { client, calls, callData, sent };
}

describe("action edges: arguments, allowances, permits, attestations", () => {
  let f: Fixture;
  let tree: ShareTree;
  let USDC: Address;

  before(async () => {
    f = await deployFixture();
    USDC = f.usdc;
    const { payer, admin, alice, bob } = f.wallets;
    await deposit(payer, { pool: f.pool, token: USDC, amount: 1_000_000n });
    const made = makeTable([
      { account: addr(alice), shares: 3n },
      { account: addr(bob), shares: 1n },
      { account: IDENTITY, shares: 4n },
    ]);
    tree = made.tree;
    await proposeSchedule(admin, { pool: f.pool, table: made.table, uri: "edges" });
    await f.networkHelpers.time.increase(ACTIVATION_DELAY);
  });

  const claimsOf = (account: string, tokens: Address[]) =>
    buildClaims({ account, schedules: [{ scheduleId: 1n, tree }], tokens });

  it("claim refuses an empty request list, a claim with no token and a token named twice, before any RPC call", async () => {
    const { client, calls } = recordingClient(f, addr(f.wallets.alice));
    const [good] = claimsOf(addr(f.wallets.alice), [USDC]);
    const bad: (typeof good)[][] = [
      [],
      [{ ...good!, tokens: [] }],
      // The second request is the bad one: every request is checked.
      [good!, { ...good!, tokens: [] }],
      // The same token in two spellings (checksummed and lower case) is still the same token.
      [{ ...good!, tokens: [getAddress(USDC), USDC.toLowerCase() as Address] }],
      [{ ...good!, tokens: [zeroAddress, zeroAddress] }],
    ];
    for (const claims of bad) {
      await assert.rejects(claim(client, { pool: f.pool, claims: claims as never }), (e) =>
        isSdkError(e, "INVALID_ARGUMENT"),
      );
    }
    assert.deepEqual(calls, []);
    // Two different tokens pass the check.
    const ok = await claim(client, {
      pool: f.pool,
      claims: claimsOf(addr(f.wallets.alice), [USDC, zeroAddress]),
    });
    assert.equal(ok.totals.get(getAddress(USDC)), entitled(1_000_000n, 3n, 8n));
  });

  it("claim reads the payee of identity accounts only, and refuses an unbound one without simulating the claim", async () => {
    const { client, callData, sent } = recordingClient(f, addr(f.wallets.stranger));
    const claims = [...claimsOf(addr(f.wallets.bob), [USDC]), ...claimsOf(IDENTITY, [USDC])];
    await assert.rejects(claim(client, { pool: f.pool, claims }), (e) => {
      assert.ok(isSdkError(e, "UNBOUND_IDENTITY"));
      assert.equal((e as { accountId?: string }).accountId, identityToAccountId(IDENTITY));
      return true;
    });
    // One read: payeeOf(identity); bob's address account is paid directly and needs none.
    const data = callData();
    assert.equal(data.length, 1);
    assert.equal(data[0]!.slice(0, 10), PAYEE_OF);
    assert.ok(data[0]!.endsWith(identityToAccountId(IDENTITY).slice(2)));
    assert.equal(sent(), 0);
  });

  it("with checkPayees: false the pool's revert names the unbound identity", async () => {
    const { client, callData } = recordingClient(f, addr(f.wallets.stranger));
    await assert.rejects(
      claim(client, { pool: f.pool, claims: claimsOf(IDENTITY, [USDC]), checkPayees: false }),
      (e) => {
        assert.ok(isSdkError(e, "UNBOUND_IDENTITY"));
        assert.equal((e as { accountId?: string }).accountId, identityToAccountId(IDENTITY));
        assert.ok(isSdkError((e as { cause?: unknown }).cause, "CONTRACT_REVERTED"));
        return true;
      },
    );
    // No payeeOf read first: the claim itself (one leaf, one token) was simulated.
    const data = callData();
    assert.ok(data.every((d) => d.slice(0, 10) !== PAYEE_OF));
    assert.ok(data.some((d) => d.slice(0, 10) === selectorOf("claimOneLeaf")));
  });

  it("claim of one leaf with two tokens sends claim and sums the payments per token", async () => {
    const { bob } = f.wallets;
    await depositETH(f.wallets.payer2, { pool: f.pool, value: 8_000n });
    const result = await claim(bob, { pool: f.pool, claims: claimsOf(addr(bob), [USDC, zeroAddress]) });
    const tx = await f.publicClient.getTransaction({ hash: result.hash });
    assert.equal(tx.input.slice(0, 10), selectorOf("claim"));
    assert.equal(result.payments.length, 2);
    assert.equal(result.totals.get(getAddress(USDC)), entitled(1_000_000n, 1n, 8n));
    assert.equal(result.totals.get(zeroAddress), entitled(8_000n, 1n, 8n));
  });

  it("deposit approves only when the allowance is below the amount, and never resets a zero allowance", async () => {
    const { payer } = f.wallets;
    const nonce = () => f.publicClient.getTransactionCount({ address: addr(payer) });
    const allowance = () =>
      f.publicClient.readContract({
        address: USDC,
        abi: erc20Abi,
        functionName: "allowance",
        args: [addr(payer), f.pool],
      });
    // An allowance of exactly the amount: no approve, one transaction.
    await f.approvePool(payer, USDC, 500n);
    let before = await nonce();
    const exact = await deposit(payer, { pool: f.pool, token: USDC, amount: 500n });
    assert.equal(exact.approvalHash, undefined);
    assert.equal(exact.credited, 500n);
    assert.equal((await nonce()) - before, 1);
    assert.equal(await allowance(), 0n);
    // No allowance: one approve of the amount (no approve(0) first), then the deposit.
    before = await nonce();
    const fresh = await deposit(payer, { pool: f.pool, token: USDC, amount: 700n });
    assert.notEqual(fresh.approvalHash, undefined);
    assert.equal((await nonce()) - before, 2);
    const approve = await f.publicClient.getTransaction({ hash: fresh.approvalHash! });
    assert.deepEqual(decodeFunctionData({ abi: erc20Abi, data: approve.input }).args, [
      getAddress(f.pool),
      700n,
    ]);
    // An allowance one unit short: reset to zero, approve the amount, deposit.
    await f.approvePool(payer, USDC, 299n);
    before = await nonce();
    const short = await deposit(payer, { pool: f.pool, token: USDC, amount: 300n });
    assert.notEqual(short.approvalHash, undefined);
    assert.equal((await nonce()) - before, 3);
    assert.equal(await allowance(), 0n);
  });

  it("deposits of zero or less are refused before any RPC call (INVALID_ARGUMENT, not a pool revert)", async () => {
    const { client, calls } = recordingClient(f, addr(f.wallets.payer));
    const refused = (e: unknown) => isSdkError(e, "INVALID_ARGUMENT");
    await assert.rejects(depositETH(client, { pool: f.pool, value: 0n }), refused);
    await assert.rejects(depositETH(client, { pool: f.pool, value: -1n }), refused);
    await assert.rejects(depositWithPermit(client, { pool: f.pool, token: USDC, amount: 0n }), refused);
    await assert.rejects(deposit(client, { pool: f.pool, token: USDC, amount: -5n }), refused);
    assert.deepEqual(calls, []);
    // One wei is a deposit.
    const wei = await depositETH(client, { pool: f.pool, value: 1n });
    assert.equal(wei.credited, 1n);
    // Schedule 1 is active: the deposit went into its pot, not the unallocated one.
    assert.equal(wei.scheduleId, 1n);
  });

  it("deposit and sync report the schedule whose pot they credited", async () => {
    const { payer } = f.wallets;
    const d = await deposit(payer, { pool: f.pool, token: USDC, amount: 40n });
    assert.deepEqual([d.credited, d.scheduleId], [40n, 1n]);
    await f.publicClient.waitForTransactionReceipt({
      hash: await payer.writeContract({
        address: USDC,
        abi: erc20Abi,
        functionName: "transfer",
        args: [f.pool, 77n],
      }),
    });
    const synced = await sync(payer, { pool: f.pool, token: USDC });
    assert.deepEqual([synced.credited, synced.scheduleId], [77n, 1n]);
  });

  it("depositWithPermit signs the deadline it is given, or the latest block time + 1 hour", async () => {
    const { payer } = f.wallets;
    const latest = await f.publicClient.getBlock();
    const given = latest.timestamp + 5_000n;
    const explicit = await depositWithPermit(payer, {
      pool: f.pool,
      token: USDC,
      amount: 10n,
      deadline: given,
    });
    assert.equal(explicit.deadline, given);
    assert.equal(explicit.credited, 10n);
    assert.equal(explicit.scheduleId, 1n);
    const tx = await f.publicClient.getTransaction({ hash: explicit.hash });
    const { functionName, args } = decodeFunctionData({ abi: royaltyPoolAbi, data: tx.input });
    assert.equal(functionName, "depositWithPermit");
    assert.equal(args[3], given);

    const now = (await f.publicClient.getBlock()).timestamp;
    const byDefault = await depositWithPermit(payer, { pool: f.pool, token: USDC, amount: 10n });
    assert.equal(byDefault.deadline, now + 3600n);

    // A deadline already past: the token refuses the permit and nothing is deposited.
    const potBefore = await f.balanceOf(USDC, f.pool);
    const past = (await f.publicClient.getBlock()).timestamp - 1n;
    await assert.rejects(
      depositWithPermit(payer, { pool: f.pool, token: USDC, amount: 10n, deadline: past }),
      (e) => isSdkError(e, "CONTRACT_REVERTED"),
    );
    assert.equal(await f.balanceOf(USDC, f.pool), potBefore);
  });

  it("depositWithPermit falls back to name() and the given version for a token without eip712Domain", async () => {
    const { payer } = f.wallets;
    const noDomain = (call: Call, send: () => Promise<unknown>) => {
      const data = (call.params as [{ data?: string }] | undefined)?.[0]?.data;
      if (call.method === "eth_call" && data?.startsWith(EIP712_DOMAIN)) {
        return Promise.reject(new Error("execution reverted"));
      }
      return send();
    };
    const { client, callData } = recordingClient(f, addr(payer), noDomain);
    const before = await f.balanceOf(USDC, f.pool);
    // TestERC20 signs with version "1", the default.
    const result = await depositWithPermit(client, { pool: f.pool, token: USDC, amount: 21n });
    assert.equal(result.credited, 21n);
    assert.equal((await f.balanceOf(USDC, f.pool)) - before, 21n);
    assert.ok(callData().some((d) => d.startsWith(EIP712_DOMAIN)));
    // A wrong version signs another domain: the token refuses the permit.
    await assert.rejects(
      depositWithPermit(client, { pool: f.pool, token: USDC, amount: 21n, permitVersion: "2" }),
      (e) => isSdkError(e, "CONTRACT_REVERTED"),
    );
  });

  it("depositWithPermit sends v = 27 or 28 when the signer returns a yParity (0/1) signature", async () => {
    const { payer } = f.wallets;
    const yParitySigner = async (call: Call, send: () => Promise<unknown>) => {
      const result = await send();
      if (call.method !== "eth_signTypedData_v4") return result;
      const sig = result as Hex;
      const v = Number.parseInt(sig.slice(130), 16);
      return `${sig.slice(0, 130)}${(v - 27).toString(16).padStart(2, "0")}`;
    };
    const { client, calls } = recordingClient(f, addr(payer), yParitySigner);
    for (let i = 0; i < 2; i++) {
      const result = await depositWithPermit(client, { pool: f.pool, token: USDC, amount: 33n });
      assert.equal(result.credited, 33n);
      const tx = await f.publicClient.getTransaction({ hash: result.hash });
      const { args } = decodeFunctionData({ abi: royaltyPoolAbi, data: tx.input });
      assert.ok(args[4] === 27 || args[4] === 28, `v = ${String(args[4])}`);
    }
    assert.equal(calls.filter((c) => c.method === "eth_signTypedData_v4").length, 2);
  });

  it("signAttestation signs the nonce and deadline it is given, or the registry's next nonce and the latest block time + 1 day", async () => {
    const { attestor, carol } = f.wallets;
    const identity = "github:edges-nonce";
    const ahead = await signAttestation(attestor, {
      registry: f.registry,
      identity,
      payee: addr(carol),
      nonce: 5n,
    });
    assert.equal(ahead.attestation.nonce, 5n);
    await assert.rejects(submitAttestation(carol, { registry: f.registry, ...ahead }), (e) => {
      assert.ok(isSdkError(e, "CONTRACT_REVERTED"));
      assert.equal((e as { errorName?: string }).errorName, "IdentityRegistryInvalidNonce");
      return true;
    });

    const now = (await f.publicClient.getBlock()).timestamp;
    const byDefault = await signAttestation(attestor, { registry: f.registry, identity, payee: addr(carol) });
    assert.equal(byDefault.attestation.nonce, 0n);
    assert.equal(byDefault.attestation.deadline, now + 86_400n);
    assert.equal(byDefault.attestor.toLowerCase(), addr(attestor).toLowerCase());

    const deadline = now + 60n;
    const given = await signAttestation(attestor, {
      registry: f.registry,
      identity,
      payee: addr(carol),
      deadline,
    });
    assert.equal(given.attestation.deadline, deadline);
    // The registry recomputes the digest over the deadline: it accepts the signature as given.
    const submitted = await submitAttestation(carol, { registry: f.registry, ...given });
    assert.equal(submitted.bound, true);
    assert.equal(submitted.executableAt, undefined);
    const nonce = await f.publicClient.readContract({
      address: f.registry,
      abi: identityRegistryAbi,
      functionName: "nonces",
      args: [identityToAccountId(identity)],
    });
    assert.equal(nonce, 1n);
  });

  it("submitAttestation finds the registry's events whatever the case of the registry address", async () => {
    const { attestor, alice, bob } = f.wallets;
    const identity = "github:edges-case";
    const first = await signAttestation(attestor, { registry: f.registry, identity, payee: addr(alice) });
    const lower = f.registry.toLowerCase() as Address;
    const bound = await submitAttestation(alice, { ...first, registry: lower });
    assert.equal(bound.bound, true);
    assert.equal(bound.executableAt, undefined);
    const second = await signAttestation(attestor, { registry: f.registry, identity, payee: addr(bob) });
    const rebind = await submitAttestation(bob, { ...second, registry: getAddress(f.registry) });
    assert.equal(rebind.bound, false);
    assert.notEqual(rebind.executableAt, undefined);
  });
});
