import type { BindingEventRecord } from "@wellspring/protocol";
import { getAddress, type Address, type Hex } from "viem";
import { bytea, type Database, type Queryable } from "../db/database.ts";
import { insertRows } from "./pools.ts";

/** One indexed registry event (migration 0012). */
export interface BindingEvent {
  blockNumber: bigint;
  logIndex: number;
  blockHash: Hex;
  txHash: Hex;
  blockTime: Date;
  kind: BindingEventRecord["kind"];
  accountId: Hex;
  payee: Address;
  previousPayee: Address | null;
  identity: string | null;
  executableAt: Date | null;
}

/** The registry's binding events, written by the indexer (one registry per instance). */
export class IdentityBindingEvents {
  constructor(
    private readonly chainId: number,
    private readonly registry: Address,
  ) {}

  insert(tx: Queryable, events: readonly BindingEvent[]): Promise<number> {
    return insertRows(
      tx,
      `INSERT INTO identity_binding_events (chain_id, registry, block_number, log_index, block_hash, tx_hash,
         block_time, kind, account_id, payee, previous_payee, identity, executable_at) VALUES `,
      " ON CONFLICT DO NOTHING",
      events.map((e) => [
        this.chainId,
        bytea(this.registry),
        e.blockNumber,
        e.logIndex,
        bytea(e.blockHash),
        bytea(e.txHash),
        e.blockTime,
        e.kind,
        bytea(e.accountId),
        bytea(e.payee),
        e.previousPayee === null ? null : bytea(e.previousPayee),
        e.identity,
        e.executableAt,
      ]),
    );
  }

  async rollback(tx: Queryable, forkBlock: bigint): Promise<number> {
    const { rowCount } = await tx.query(
      "DELETE FROM identity_binding_events WHERE chain_id = $1 AND registry = $2 AND block_number > $3",
      [this.chainId, bytea(this.registry), forkBlock],
    );
    return rowCount;
  }
}

/**
 * Every binding event of every identity a wallet was ever named in (as payee, previous payee or
 * proposed new payee), in log order, up to the registry stream's cursor; with the identity string
 * this server knows for each accountId (from the events, else its identities table).
 */
export async function bindingHistoryOfWallet(
  db: Database,
  chainId: number,
  registry: Address,
  wallet: Address,
): Promise<{ events: BindingEventRecord[]; known: Map<Hex, string> }> {
  const { rows } = await db.query<{
    kind: BindingEventRecord["kind"];
    account_id: Hex;
    payee: Hex;
    block_time: Date;
    identity: string | null;
    executable_at: Date | null;
    known: string | null;
  }>(
    `SELECT e.kind, e.account_id, e.payee, e.block_time, e.identity, e.executable_at, i.identity AS known
     FROM identity_binding_events e
     LEFT JOIN identities i ON i.account_id = e.account_id
     WHERE e.chain_id = $1 AND e.registry = $2 AND e.account_id IN (
       SELECT account_id FROM identity_binding_events
       WHERE chain_id = $1 AND registry = $2 AND (payee = $3 OR previous_payee = $3))
     ORDER BY e.block_number, e.log_index`,
    [chainId, bytea(registry), bytea(wallet)],
  );
  const known = new Map<Hex, string>();
  const seconds = (d: Date) => BigInt(Math.floor(d.getTime() / 1000));
  const events = rows.map((r): BindingEventRecord => {
    if (r.known) known.set(r.account_id, r.known);
    return {
      kind: r.kind,
      accountId: r.account_id,
      payee: getAddress(r.payee),
      at: seconds(r.block_time),
      identity: r.identity,
      executableAt: r.executable_at === null ? null : seconds(r.executable_at),
    };
  });
  return { events, known };
}
