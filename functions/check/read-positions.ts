import type { PositionRequest } from '#binance/client.js';
import type { KeysProvider } from '#config/keys-provider.js';
import type { Config } from '#config/schema.js';
import type { Position, SourceId } from '#core/position.js';
import type { PositionReader } from './run-check.js';

/** Narrows a live read to an account, a source or a symbol, told apart by what the config holds. */
export type PositionScope = { account: string } | { source: SourceId } | { symbol: string } | null;

/** Reads the positions of the configured accounts now, narrowed by `scope`; failures come back as lines. */
export async function readPositions(
  deps: { config: Config; exchange: PositionReader; keys: KeysProvider },
  scope: PositionScope,
): Promise<{ positions: Position[]; failures: string[] }> {
  const requests: PositionRequest[] = [];
  const failures: string[] = [];
  for (const account of deps.config.accounts) {
    if (scope && 'account' in scope && scope.account !== account.name) continue;
    let signer: Awaited<ReturnType<KeysProvider['signerFor']>>;
    try {
      signer = await deps.keys.signerFor(account);
    } catch (error) {
      failures.push((error as Error).message);
      continue;
    }
    for (const source of account.sources) {
      if (scope && 'source' in scope && scope.source !== source) continue;
      requests.push({
        account: account.name,
        source,
        signer,
        endpoint: deps.config.endpoints[source],
      });
    }
  }
  const results = await deps.exchange.fetchAll(requests, { concurrency: 16 });
  for (const r of results) if (!r.ok) failures.push(r.error.message);
  // A symbol is filtered here: asking every source for it would make those that do not list it fail (-1121).
  const positions = results.flatMap((r) => (r.ok ? r.positions : []));
  return {
    positions: scope && 'symbol' in scope ? positions.filter((p) => p.symbol === scope.symbol) : positions,
    failures,
  };
}
