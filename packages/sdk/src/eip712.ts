/**
 * EIP-712 types shared by the viem actions, the ethers adapter, the pages and the server. They are
 * stated in @wellspring/protocol (eip712.ts); `@wellspring/sdk/eip712` re-exports them and has no
 * other imports, so a browser bundle takes only these.
 */
export * from "@wellspring/protocol/eip712";
