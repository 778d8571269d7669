import type { SourceId } from '#core/position.js';
import { type CallContext, SourceError } from './errors.js';
import type { Signer } from './sign.js';
import { type PositionFilter, type PositionSource, sources } from './sources/index.js';

/** Read one source of one account. */
export interface PositionRequest {
  account: string;
  source: SourceId;
  signer: Signer;
  /** Replaces the source's endpoint: an `http(s)` base URL, or a `ws(s)` URL for `usdm-ws`. */
  endpoint?: string | undefined;
  /**
   * `usdm-ws` only: the REST base URL whose `/fapi/v1/time` is the clock (the WebSocket API has no
   * time method). Default: `https://fapi.binance.com` for the exchange's own URL, otherwise the
   * WebSocket URL's host over http(s).
   */
  timeEndpoint?: string | undefined;
  filter?: PositionFilter | undefined;
  /** Local ms after which no attempt starts; each attempt is cut to end by then. */
  deadline?: number | undefined;
}

/** The filters the exchange applies, as params; a `request` error for one the source does not take. */
export function serverParams(ctx: CallContext, source: PositionSource, filter: PositionFilter): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (name === 'symbol' && !source.serverFilters.includes('symbol')) continue; // filtered after the call
    if (!(source.serverFilters as readonly string[]).includes(name)) {
      throw new SourceError(
        ctx,
        { kind: 'request' },
        `${source.id} filters by ${source.serverFilters.join(' or ')}, not by ${name}`,
      );
    }
    params[name] = value;
  }
  if (params.marginAsset !== undefined && params.pair !== undefined) {
    // Portfolio Margin CM: "marginAsset and pair should not both be sent" (seed 004); COIN-M alike.
    throw new SourceError(ctx, { kind: 'request' }, `${source.id} takes marginAsset or pair, not both`);
  }
  return params;
}

/** Where a request goes: the account, the source and its endpoint (never a query). */
export function contextOf(req: PositionRequest): CallContext {
  const { transport } = sources[req.source];
  const endpoint = transport.kind === 'rest' ? `GET ${transport.path}` : `ws ${transport.method}`;
  return { account: req.account, source: req.source, endpoint };
}
