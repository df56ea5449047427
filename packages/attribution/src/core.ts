/**
 * @wellspring/attribution/core: the parts the SDK uses that need no Node module (accounts, table
 * hashes, Merkle tree, keccak), so that the SDK's main entry bundles for the browser. The root entry
 * also exports the input parsers and bundle reader, which import node:crypto and node:fs.
 */
export { accountIdOf, addressOfAccountId, isAddress, resolveAccount } from "./account.ts";
export { computeInputsHash, computeTableHash } from "./table.ts";
export { buildMerkleTree, merkleProof, merkleRoot } from "./merkle.ts";
export { hexToBytes } from "./keccak.ts";
