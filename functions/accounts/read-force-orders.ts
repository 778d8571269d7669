import type { AccountConfig } from '#config/schema.js';
import type { ClosedLeg, ForceOrderEvidence } from '#core/force-order.js';
import type { SourceId } from '#core/position.js';
import { messageOf } from '#shared/errors.js';
import type { ReadDeps } from './read-accounts.js';

/**
 * Asked from a little before the alert began: the exchange's clock and the check's differ, and the core
 * keeps only the orders of the alert's own time.
 */
const WINDOW_SLACK_MS = 5 * 60_000;

/**
 * The force orders of the sources holding legs that closed while critical: one read per source, from
 * the earliest of its alerts' starts, naming the symbol when all its legs share one (weight 20 instead
 * of 50). A source whose force orders cannot be read (keys unavailable, the exchange refusing, failing
 * or too slow for the cycle's deadline) is `{ error }`, so its legs are told as closed while critical,
 * never as quietly resolved.
 */
export async function readForceOrderEvidence(
  deps: Pick<ReadDeps, 'config' | 'exchange' | 'keys' | 'log' | 'deadline'>,
  account: AccountConfig,
  legs: readonly ClosedLeg[],
): Promise<ForceOrderEvidence> {
  const bySource = new Map<SourceId, ClosedLeg[]>();
  for (const leg of legs) bySource.set(leg.source, [...(bySource.get(leg.source) ?? []), leg]);
  if (bySource.size === 0) return {};
  let signer: Awaited<ReturnType<ReadDeps['keys']['signerFor']>>;
  try {
    signer = await deps.keys.signerFor(account);
  } catch (error) {
    const failed = { error: messageOf(error) };
    return Object.fromEntries([...bySource.keys()].map((source) => [source, failed]));
  }
  const read = await Promise.all(
    [...bySource].map(async ([source, closed]) => {
      const symbols = [...new Set(closed.map((l) => l.symbol))];
      try {
        const orders = await deps.exchange.fetchForceOrders({
          account: account.name,
          source,
          signer,
          endpoint: deps.config.endpoints[source],
          symbol: symbols.length === 1 ? symbols[0] : undefined,
          startTime: Math.max(0, Math.min(...closed.map((l) => l.since)) - WINDOW_SLACK_MS),
          deadline: deps.deadline,
        });
        return [source, orders] as const;
      } catch (error) {
        const message = messageOf(error);
        deps.log?.warn('force orders could not be read', { account: account.name, source, error: message });
        return [source, { error: message }] as const;
      }
    }),
  );
  return Object.fromEntries(read);
}
