import { Contract, Signature, type Signer, type TypedDataDomain } from "ethers";

import { InvalidArgumentError } from "../errors.ts";
import { PERMIT_TYPES } from "../eip712.ts";
import { toMemo } from "../internal/memo.ts";
import { type EthersTransactionResult, parsePoolEvents, poolContract, sendAndWait } from "./internal.ts";

export interface EthersDepositWithPermitParameters {
  pool: string;
  /** An ERC-20 token with EIP-2612 `permit`. */
  token: string;
  amount: bigint;
  memo?: string | undefined;
  /** Unix time after which the permit is void; default: latest block time + 1 hour. */
  deadline?: bigint | undefined;
  /** EIP-712 version for tokens without ERC-5267 `eip712Domain` (default "1"; USDC uses "2"). */
  permitVersion?: string | undefined;
}

export type EthersDepositWithPermitReturnType = EthersTransactionResult & {
  credited: bigint;
  scheduleId: bigint;
  deadline: bigint;
};

const PERMIT_FRAGMENTS = [
  "function nonces(address owner) view returns (uint256)",
  "function name() view returns (string)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
];

/** ethers v6: signs an EIP-2612 permit for the pool and deposits in one transaction. */
export async function depositWithPermit(
  signer: Signer,
  parameters: EthersDepositWithPermitParameters,
): Promise<EthersDepositWithPermitReturnType> {
  const { pool, token, amount } = parameters;
  if (amount <= 0n) throw new InvalidArgumentError("A deposit amount must be positive.");
  const contract = poolContract(pool, signer);
  const erc20 = new Contract(token, PERMIT_FRAGMENTS, signer);
  const provider = signer.provider!;
  const owner = await signer.getAddress();

  let domain: TypedDataDomain;
  try {
    const [, name, version, chainId, verifyingContract] = (await erc20.getFunction("eip712Domain")()) as [
      string,
      string,
      string,
      bigint,
      string,
    ];
    domain = { name, version, chainId, verifyingContract };
  } catch {
    // Tokens older than ERC-5267 sign with their name and a version they document elsewhere.
    const name = (await erc20.getFunction("name")()) as string;
    const { chainId } = await provider.getNetwork();
    domain = { name, version: parameters.permitVersion ?? "1", chainId, verifyingContract: token };
  }
  const nonce = (await erc20.getFunction("nonces")(owner)) as bigint;
  const deadline = parameters.deadline ?? BigInt((await provider.getBlock("latest"))!.timestamp) + 3600n;
  const signature = Signature.from(
    await signer.signTypedData(
      domain,
      { Permit: [...PERMIT_TYPES.Permit] },
      {
        owner,
        spender: pool,
        value: amount,
        nonce,
        deadline,
      },
    ),
  );

  const result = await sendAndWait(
    signer,
    "depositWithPermit",
    (overrides) =>
      contract.getFunction("depositWithPermit")(
        token,
        amount,
        toMemo(parameters.memo),
        deadline,
        signature.v,
        signature.r,
        signature.s,
        overrides,
      ),
    contract.interface,
  );
  const [event] = parsePoolEvents(contract, result.receipt, "Deposited");
  return {
    ...result,
    credited: (event?.args.getValue("amount") as bigint | undefined) ?? 0n,
    scheduleId: (event?.args.getValue("scheduleId") as bigint | undefined) ?? 0n,
    deadline,
  };
}
