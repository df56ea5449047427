import { network } from "hardhat";
import { buildShareTree, createPool, createShareTable, type ShareTable } from "@wellspring/sdk";
import { parseAbi, type Address, type PublicClient } from "viem";

export const ACTIVATION_DELAY = 3600;
export const CLAIM_WINDOW = 7 * 24 * 3600;
const mintAbi = parseAbi(["function mint(address to, uint256 amount)"]);

/**
 * A fresh in-process Hardhat chain with the real contracts: identity registry, factory, one pool
 * (admin is its proposer and guardian) and a 6-decimal token minted to `payer`.
 */
export async function deployChain() {
  const connection = await network.connect();
  const { viem, networkHelpers } = connection;
  const publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
  const [admin, attestor, payer, alice, bob, other] = await viem.getWalletClients();
  if (!admin || !attestor || !payer || !alice || !bob || !other) throw new Error("need 6 accounts");
  const deploy = async (name: string, args: readonly unknown[] = []): Promise<Address> =>
    ((await viem.deployContract(name as never, args as never)) as { address: Address }).address;
  const registry = await deploy("IdentityRegistry", [
    admin.account.address,
    0,
    86_400n,
    [attestor.account.address],
  ]);
  const factory = await deploy("PoolFactory");
  const created = await createPool(admin, {
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
  const usdc = await deploy("TestERC20", ["Demo USDC", "USDC", 6]);
  const hash = await admin.writeContract({
    address: usdc,
    abi: mintAbi,
    functionName: "mint",
    args: [payer.account.address, 10n ** 15n],
  });
  await publicClient.waitForTransactionReceipt({ hash });
  return {
    connection,
    networkHelpers,
    publicClient,
    wallets: { admin, attestor, payer, alice, bob, other },
    pool: created.pool,
    factory,
    registry,
    deployedBlock: created.receipt.blockNumber,
    usdc,
  };
}

export function makeTable(entries: { account: string; shares: bigint }[]) {
  const draft = createShareTable({ entries });
  const tree = buildShareTree(draft);
  const table: ShareTable = { ...draft, root: tree.root };
  return { table, tree };
}
