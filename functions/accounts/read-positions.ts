import type { Position, SourceId } from '#core/position.js';
import { failureLines, type ReadDeps, readAccounts } from './read-accounts.js';

/** Narrows a live read to an account, a source or a symbol, told apart by what the config holds. */
export type PositionScope = { account: string } | { source: SourceId } | { symbol: string } | null;

/** Reads the positions of the configured accounts now, narrowed by `scope`; failures come back as lines. */
export async function readPositions(
  deps: ReadDeps,
  scope: PositionScope,
): Promise<{ positions: Position[]; failures: string[] }> {
  const accounts =
    scope && 'account' in scope ? deps.config.accounts.filter((a) => a.name === scope.account) : deps.config.accounts;
  const only = scope && 'source' in scope ? scope.source : null;
  const reads = await readAccounts(deps, accounts, { sources: only ? (s) => s === only : undefined });
  const positions = reads.flatMap((r) => r.outcomes.flatMap((o) => (o.ok ? o.positions : [])));
  return {
    // A symbol is filtered here: asking every source for it would make those that do not list it fail (-1121).
    positions: scope && 'symbol' in scope ? positions.filter((p) => p.symbol === scope.symbol) : positions,
    failures: failureLines(reads),
  };
}
