import type { PublicClient } from "viem";

export interface ChainClock {
  /** Milliseconds since the epoch as the chain sees it: wall time plus how far the chain runs ahead. */
  now(): number;
  /** Reads the latest block once now (resolves when done; never rejects). */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * A clock that follows the chain's block time. Schedules activate by `block.timestamp`, so a server
 * whose chain was moved forward (a local node after `evm_increaseTime`, as the demo does) must judge
 * pending / active by the chain's time, not its own. The offset only grows: a block timestamp ahead
 * of the wall clock proves the chain runs ahead; an old block (no block mined for a while) proves
 * nothing. On a live network the offset stays 0 and this is the wall clock.
 */
export function chainClock(
  client: Pick<PublicClient, "getBlock">,
  options: { intervalMs?: number; wallClock?: () => number; onError?: (error: unknown) => void } = {},
): ChainClock {
  const wall = options.wallClock ?? Date.now;
  let offsetMs = 0;
  const refresh = async () => {
    try {
      const block = await client.getBlock({ blockTag: "latest" });
      offsetMs = Math.max(offsetMs, Number(block.timestamp) * 1000 - wall());
    } catch (error) {
      options.onError?.(error);
    }
  };
  const timer = setInterval(() => void refresh(), options.intervalMs ?? 1000);
  timer.unref();
  return { now: () => wall() + offsetMs, refresh, stop: () => clearInterval(timer) };
}
