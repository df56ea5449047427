import type { BaseContractMethod, Contract, ContractTransactionReceipt, EventLog, Signer } from "ethers";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

export const DAY = 24n * 60n * 60n;
export const ACTIVATION_DELAY = 2n * DAY;
export const CLAIM_WINDOW = 30n * DAY;
export const TOTAL_SHARES = 10n ** 18n;
export const ZERO_HASH = "0x" + "00".repeat(32);
export const ETH = "0x0000000000000000000000000000000000000000";
export const MAX_UINT128 = (1n << 128n) - 1n;

type PoolMethod =
  | "initialize"
  | "deposit"
  | "depositWithPermit"
  | "depositETH"
  | "sync"
  | "pause"
  | "unpause"
  | "proposeSchedule"
  | "revokeSchedule"
  | "warmPots"
  | "currentScheduleId"
  | "pendingScheduleId"
  | "scheduleCount"
  | "scheduleOf"
  | "claim"
  | "claimOneLeaf"
  | "claimable"
  | "claimed"
  | "potOf"
  | "isSwept"
  | "reserveOf"
  | "foldPotsOf"
  | "payeeOf"
  | "withdrawETH"
  | "ethOwedTo"
  | "sweep"
  | "grantRole"
  | "revokeRole"
  | "renounceRole"
  | "transferAdmin"
  | "acceptAdmin"
  | "applyRoleChange"
  | "cancelRoleChange"
  | "roleChangeExecutableAt"
  | "cancelAdminTransfer"
  | "adminAcceptableAt"
  | "hasRole"
  | "admin"
  | "pendingAdmin"
  | "registry"
  | "tokenAllowlist"
  | "isTokenAllowed"
  | "MAX_TOKENS"
  | "activationDelay"
  | "claimWindow"
  | "paused"
  | "PROPOSER_ROLE"
  | "GUARDIAN_ROLE"
  | "DEFAULT_ADMIN_ROLE";

/** The pool's ABI methods, typed so that `noUncheckedIndexedAccess` sees them as present. */
export type Pool = Contract & Record<PoolMethod, BaseContractMethod>;
export type Factory = Contract &
  Record<
    | "createPool"
    | "createPoolDeterministic"
    | "predictPoolAddress"
    | "createPoolWithTokens"
    | "createPoolDeterministicWithTokens"
    | "predictPoolAddressWithTokens"
    | "implementation",
    BaseContractMethod
  >;
export type Token = Contract &
  Record<
    | "mint"
    | "approve"
    | "transfer"
    | "transferFrom"
    | "balanceOf"
    | "allowance"
    | "nonces"
    | "name"
    | "DOMAIN_SEPARATOR"
    | "amountAfterFee"
    | "setIndex"
    | "permit",
    BaseContractMethod
  >;
export type Registry = Contract &
  Record<
    | "payeeOf"
    | "bindingOf"
    | "submitAttestation"
    | "nonces"
    | "setPayee"
    | "unbind"
    | "cancelRebind"
    | "finalizeRebind"
    | "pendingRebindOf"
    | "cancelBinding"
    | "BINDING_DELAY",
    BaseContractMethod
  >;

export interface PoolConfig {
  admin: string;
  registry: string;
  activationDelay: bigint;
  claimWindow: bigint;
  proposers: string[];
  guardians: string[];
}

export interface ClaimRequest {
  scheduleId: bigint;
  accountId: string;
  shares: bigint;
  proof: string[];
  tokens: string[];
}

/** The pool as seen by transactions sent from `signer`. */
export function by<T extends Contract>(contract: T, signer: Signer): T {
  return contract.connect(signer) as T;
}

/**
 * Creates a pool through `factory` and returns it with the creation receipt; with `tokens`, a pool that
 * accepts deposits of those ERC-20s only (`createPoolWithTokens`).
 */
export async function createPool(
  ethers: HardhatEthers,
  factory: Factory,
  config: PoolConfig,
  tokens?: string[],
): Promise<{ pool: Pool; receipt: ContractTransactionReceipt }> {
  const tx = await (tokens === undefined
    ? factory.createPool(config)
    : factory.createPoolWithTokens(config, tokens));
  const receipt = (await tx.wait()) as ContractTransactionReceipt;
  const event = receipt.logs.find(
    (l): l is EventLog => "fragment" in l && (l as EventLog).fragment.name === "PoolCreated",
  );
  if (!event) throw new Error("PoolCreated not emitted");
  const address = event.args[0] as string;
  const pool = (await ethers.getContractAt("RoyaltyPool", address)) as unknown as Pool;
  return { pool, receipt };
}

/** Signers by role; tests need at least ten accounts (Hardhat gives twenty). */
export async function namedSigners(ethers: HardhatEthers) {
  const s = await ethers.getSigners();
  const pick = (i: number) => {
    const signer = s[i];
    if (!signer) throw new Error(`missing signer ${i}`);
    return signer;
  };
  return {
    admin: pick(0),
    proposer: pick(1),
    guardian: pick(2),
    payer: pick(3),
    alice: pick(4),
    bob: pick(5),
    carol: pick(6),
    stranger: pick(7),
    attestor: pick(8),
    newAdmin: pick(9),
  };
}

/** Deploys the factory, an identity registry and a pool configured with admin, proposer and guardian. */
export async function deployPoolSystem(
  ethers: HardhatEthers,
  opts: { activationDelay?: bigint; claimWindow?: bigint } = {},
) {
  const signers = await namedSigners(ethers);
  const registry = (await ethers.deployContract("IdentityRegistry", [
    signers.admin.address,
    2n * DAY,
    3n * DAY,
    [signers.attestor.address],
  ])) as unknown as Registry;
  const factory = (await ethers.deployContract("PoolFactory")) as unknown as Factory;
  const config: PoolConfig = {
    admin: signers.admin.address,
    registry: await registry.getAddress(),
    activationDelay: opts.activationDelay ?? ACTIVATION_DELAY,
    claimWindow: opts.claimWindow ?? CLAIM_WINDOW,
    proposers: [signers.proposer.address],
    guardians: [signers.guardian.address],
  };
  const { pool, receipt } = await createPool(ethers, factory, config);
  const token = (await ethers.deployContract("TestERC20", ["Test USD", "TUSD", 6])) as unknown as Token;
  return { ...signers, registry, factory, pool, token, config, createReceipt: receipt };
}

export type PoolSystem = Awaited<ReturnType<typeof deployPoolSystem>>;

/** Mints `amount` to `payer`, approves the pool and deposits; returns the receipt. */
export async function depositToken(
  pool: Pool,
  token: Token,
  payer: Signer,
  amount: bigint,
  memo = ZERO_HASH,
): Promise<ContractTransactionReceipt> {
  const poolAddress = await pool.getAddress();
  await (await by(token, payer).mint(await payer.getAddress(), amount)).wait();
  await (await by(token, payer).approve(poolAddress, amount)).wait();
  const tx = await by(pool, payer).deposit(await token.getAddress(), amount, memo);
  return (await tx.wait()) as ContractTransactionReceipt;
}

/** Proposes a schedule as `proposer` and returns its id. */
export async function propose(
  pool: Pool,
  proposer: Signer,
  root: string,
  totalShares: bigint,
  uri = "ipfs://table",
): Promise<bigint> {
  const id = (await by(pool, proposer).proposeSchedule.staticCall(
    root,
    totalShares,
    ZERO_HASH,
    ZERO_HASH,
    ZERO_HASH,
    uri,
  )) as bigint;
  await (
    await by(pool, proposer).proposeSchedule(root, totalShares, ZERO_HASH, ZERO_HASH, ZERO_HASH, uri)
  ).wait();
  return id;
}

/**
 * Binds `identity` (accountId = keccak256(utf8(identity))) to `payee` with an attestation signed by `attestor`
 * (on a bound identity: proposes the rebind). A first binding is then waited out of its cancellable window
 * (the chain's clock moves on by `BINDING_DELAY`) unless `{ wait: false }`.
 */
export async function bindIdentity(
  ethers: HardhatEthers,
  registry: Registry,
  attestor: Signer,
  identity: string,
  payee: string,
  { wait = true }: { wait?: boolean } = {},
): Promise<string> {
  const accountId = ethers.id(identity);
  const { chainId } = await ethers.provider.getNetwork();
  const block = await ethers.provider.getBlock("latest");
  const attestation = {
    accountId,
    payee,
    nonce: (await registry.nonces(accountId)) as bigint,
    deadline: BigInt(block?.timestamp ?? 0) + 3600n,
  };
  const signature = await attestor.signTypedData(
    {
      name: "Wellspring IdentityRegistry",
      version: "1",
      chainId,
      verifyingContract: await registry.getAddress(),
    },
    {
      Attestation: [
        { name: "accountId", type: "bytes32" },
        { name: "payee", type: "address" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    attestation,
  );
  const wasBound = ((await registry.payeeOf(accountId)) as string) !== ethers.ZeroAddress;
  await (
    await registry.submitAttestation(attestation, identity, await attestor.getAddress(), signature)
  ).wait();
  if (wait && !wasBound) {
    await ethers.provider.send("evm_increaseTime", [Number(await registry.BINDING_DELAY())]);
    await ethers.provider.send("evm_mine", []);
  }
  return accountId;
}
