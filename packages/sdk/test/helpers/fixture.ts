import { network } from "hardhat";
import { type Address, erc20Abi, parseAbi, zeroAddress } from "viem";

import { createPool, identityRegistryAbi, royaltyPoolAbi } from "../../src/index.ts";

export const ACTIVATION_DELAY = 3600;
export const CLAIM_WINDOW = 7 * 24 * 3600;
export const REBIND_DELAY = 86_400n;

/** The test tokens' extra functions (TestERC20, FeeOnTransferToken and NoReturnToken share mint). */
export const testTokenAbi = parseAbi([
  "function mint(address to, uint256 amount)",
  "function approve(address spender, uint256 amount)",
  "function nonces(address owner) view returns (uint256)",
]);

/**
 * A fresh in-process EDR chain with the real contracts (compiled artifacts): identity registry,
 * factory, one pool, and a 6-decimal permit token. Roles: wallet 0 is admin, proposer and
 * guardian; wallet 1 is the attestor; the others are payers and contributors. `connect` picks
 * another network (e.g. a `hardhat node` over HTTP).
 */
export async function deployFixture(connect?: Parameters<typeof network.connect>[0]) {
  const connection = await network.connect(connect);
  const { viem, networkHelpers, ethers } = connection;
  const publicClient = await viem.getPublicClient();
  const [admin, attestor, payer, payer2, alice, bob, carol, stranger] = await viem.getWalletClients();
  if (!admin || !attestor || !payer || !payer2 || !alice || !bob || !carol || !stranger) {
    throw new Error("the Hardhat network needs at least 8 accounts");
  }
  const deploy = async (name: string, args: readonly unknown[] = []): Promise<Address> =>
    ((await viem.deployContract(name as never, args as never)) as { address: Address }).address;

  const registry = await deploy("IdentityRegistry", [
    admin.account.address,
    0,
    REBIND_DELAY,
    [attestor.account.address],
  ]);
  const factory = await deploy("PoolFactory");
  const { pool } = await createPool(admin, {
    factory,
    config: {
      admin: admin.account.address,
      registry,
      activationDelay: ACTIVATION_DELAY,
      claimWindow: CLAIM_WINDOW,
      proposers: [admin.account.address],
      guardians: [admin.account.address],
    },
  });

  const mint = async (token: Address, to: Address, amount: bigint): Promise<void> => {
    const hash = await admin.writeContract({
      address: token,
      abi: testTokenAbi,
      functionName: "mint",
      args: [to, amount],
    });
    await publicClient.waitForTransactionReceipt({ hash });
  };
  const deployToken = (
    name: "TestERC20" | "FeeOnTransferToken" | "NoReturnToken",
    args: readonly unknown[],
  ) => deploy(name, args);
  const usdc = await deployToken("TestERC20", ["Demo USDC", "USDC", 6]);
  for (const w of [payer, payer2]) await mint(usdc, w.account.address, 1_000_000_000_000n);

  const balanceOf = async (token: Address, owner: Address): Promise<bigint> =>
    token === zeroAddress
      ? publicClient.getBalance({ address: owner })
      : publicClient.readContract({
          address: token,
          abi: erc20Abi,
          functionName: "balanceOf",
          args: [owner],
        });

  /** Sets `owner`'s allowance of `token` for the pool directly, as a wallet would (e.g. a short one). */
  const approvePool = async (owner: typeof payer, token: Address, amount: bigint): Promise<void> => {
    const hash = await owner.writeContract({
      address: token,
      abi: testTokenAbi,
      functionName: "approve",
      args: [pool, amount],
    });
    await publicClient.waitForTransactionReceipt({ hash });
  };

  /** Pool admin calls that have no SDK action. */
  const poolAdmin = async (functionName: "pause" | "unpause"): Promise<void> => {
    const hash = await admin.writeContract({ address: pool, abi: royaltyPoolAbi, functionName });
    await publicClient.waitForTransactionReceipt({ hash });
  };

  /** Moves the chain past a first binding's window (the registry's BINDING_DELAY), so pools pay it. */
  const waitOutBindingWindow = async (): Promise<void> => {
    const delay = await publicClient.readContract({
      address: registry,
      abi: identityRegistryAbi,
      functionName: "BINDING_DELAY",
    });
    await networkHelpers.time.increase(delay);
  };

  return {
    connection,
    viem,
    ethers,
    networkHelpers,
    publicClient,
    wallets: { admin, attestor, payer, payer2, alice, bob, carol, stranger },
    registry,
    factory,
    pool,
    usdc,
    deployToken,
    mint,
    balanceOf,
    approvePool,
    poolAdmin,
    waitOutBindingWindow,
  };
}

export type Fixture = Awaited<ReturnType<typeof deployFixture>>;
