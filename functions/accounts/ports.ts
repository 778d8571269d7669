import type {
  ForceOrderRequest,
  HostBan,
  PositionRequest,
  RiskRequest,
  RiskResult,
  SourceResult,
} from '#binance/client.js';
import type { HostWeight } from '#binance/rest.js';
import type { ForceOrder } from '#core/force-order.js';

export type { HostBan } from '#binance/client.js';

/**
 * The exchange, as the check, `/positions` and `liqwatch positions` read it: `BinanceClient` in
 * production, pointed at the simulator locally.
 */
export interface PositionReader {
  /**
   * Reads every request, each settled on its own. `deadline` (epoch ms on the reader's clock): no call
   * starts after it, and what has not been read by then settles as a failure saying so.
   */
  fetchAll(
    requests: readonly PositionRequest[],
    opts?: { concurrency?: number; deadline?: number | undefined },
  ): Promise<SourceResult[]>;
  /**
   * The liquidations and auto-deleverages the source's force-order page lists for the account; throws a
   * `SourceError` when it cannot be read.
   */
  fetchForceOrders(req: ForceOrderRequest): Promise<ForceOrder[]>;
  /**
   * Reads the account-risk requests (margin numbers, ADL quantiles) as `fetchAll` reads positions: each
   * settled on its own, none started after `deadline`.
   */
  fetchRisks(
    requests: readonly RiskRequest[],
    opts?: { concurrency?: number; deadline?: number | undefined },
  ): Promise<RiskResult[]>;
  usedWeight(): HostWeight[];
  /** The 418/429 bans in force now, to keep between runs. */
  bans(): HostBan[];
  /** Bans kept from an earlier run: those hosts are not called until each ban ends. */
  restoreBans(bans: readonly HostBan[]): void;
}
