import type { PositionRequest, SourceResult } from '#binance/client.js';
import type { HostWeight } from '#binance/rest.js';

/**
 * The exchange, as the check, `/positions` and `liqwatch positions` read it: `BinanceClient` in
 * production, pointed at the simulator locally.
 */
export interface PositionReader {
  fetchAll(requests: readonly PositionRequest[], opts?: { concurrency?: number }): Promise<SourceResult[]>;
  usedWeight(): HostWeight[];
}
