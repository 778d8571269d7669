import type { ForceOrder } from '#core/force-order.js';
import type { SourceId } from '#core/position.js';
import type { Cycle } from './cycle.js';
import { type CallContext, SourceError } from './errors.js';
import { type AutoCloseType, toForceOrders } from './force-order-rows.js';
import { ENDPOINTS, FORCE_ORDER_PATHS, TIME_PROBES, wsTimeEndpoint } from './hosts.js';
import type { RestSignedCalls } from './rest-signed-calls.js';
import type { Signer } from './sign.js';
import { ResponseShapeError, type RestTransportSpec } from './sources/source.js';

export type { AutoCloseType } from './force-order-rows.js';

/**
 * Read the force orders (liquidations and auto-deleverages) of one source of one account. The four
 * pages take the same parameters:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Users-Force-Orders
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/Users-Force-Orders
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-UM-Force-Orders
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
export interface ForceOrderRequest {
  account: string;
  source: SourceId;
  signer: Signer;
  /**
   * The source's endpoint, as its positions are read: an `http(s)` base URL, or for `usdm-ws` its
   * `ws(s)` URL, whose REST host is asked (the WebSocket API has no force-order method).
   */
  endpoint?: string | undefined;
  /** Only this symbol's orders (weight 20 instead of 50). */
  symbol?: string | undefined;
  /** Only this kind; both kinds when absent. */
  autoCloseType?: AutoCloseType | undefined;
  /** Epoch ms on the exchange's clock. Without it the exchange answers the 7 days (COIN-M: 200) before `endTime`. */
  startTime?: number | undefined;
  endTime?: number | undefined;
  /** Local ms after which no attempt starts; each attempt is cut to end by then. */
  deadline?: number | undefined;
}

/** Request weight of one call, on every page: "20 with symbol, 50 without symbol". */
export const FORCE_ORDER_WEIGHT = { withSymbol: 20, withoutSymbol: 50 } as const;

/**
 * The most orders one call returns ("Default 50; max 100"). The window the check asks for starts when
 * the alert did, and holds a handful.
 */
const MAX_LIMIT = 100;

/** Where each source's force orders are read: its own host's page (`usdm-ws`: USDⓈ-M REST's). */
const FAPI_SPEC: RestTransportSpec = {
  kind: 'rest',
  defaultEndpoint: ENDPOINTS.fapi,
  path: FORCE_ORDER_PATHS.usdm,
  time: TIME_PROBES.fapi,
};
const SPECS: Record<SourceId, RestTransportSpec> = {
  usdm: FAPI_SPEC,
  'usdm-ws': FAPI_SPEC,
  coinm: { kind: 'rest', defaultEndpoint: ENDPOINTS.dapi, path: FORCE_ORDER_PATHS.coinm, time: TIME_PROBES.dapi },
  'pm-um': { kind: 'rest', defaultEndpoint: ENDPOINTS.papi, path: FORCE_ORDER_PATHS['pm-um'], time: TIME_PROBES.papi },
  'pm-cm': { kind: 'rest', defaultEndpoint: ENDPOINTS.papi, path: FORCE_ORDER_PATHS['pm-cm'], time: TIME_PROBES.papi },
};

/**
 * The request's force orders, normalised, over the shared signed REST calls (the same clocks, bans,
 * weight tracking and retries as positions). Throws a `SourceError` naming the account, source and
 * endpoint for every failure.
 */
export async function readForceOrders(
  rest: RestSignedCalls,
  cycle: Cycle,
  req: ForceOrderRequest,
): Promise<ForceOrder[]> {
  const spec = SPECS[req.source];
  const ctx: CallContext = { account: req.account, source: req.source, endpoint: `GET ${spec.path}` };
  cycle.assertBeforeDeadline(ctx);
  const body = await rest.call(
    ctx,
    { endpoint: restEndpointOf(req), spec, params: paramsOf(ctx, req), signer: req.signer },
    cycle,
  );
  try {
    return toForceOrders(body, req.source, req.autoCloseType);
  } catch (error) {
    if (!(error instanceof ResponseShapeError)) throw error;
    throw new SourceError(ctx, { kind: 'malformed', httpStatus: 200 }, error.message);
  }
}

/**
 * The REST base URL of a source's host: `usdm-ws`'s configured WebSocket URL names the USDⓈ-M REST host
 * to ask (also for its ADL quantiles, `account-risk.ts`).
 */
export function restEndpointOf(req: Pick<ForceOrderRequest, 'source' | 'endpoint'>): string {
  const endpoint = req.endpoint ?? SPECS[req.source].defaultEndpoint;
  return req.source === 'usdm-ws' && /^wss?:/i.test(endpoint) ? wsTimeEndpoint(endpoint) : endpoint;
}

function paramsOf(ctx: CallContext, req: ForceOrderRequest): Record<string, string> {
  const params: Record<string, string> = {};
  if (req.symbol !== undefined) params.symbol = req.symbol;
  if (req.autoCloseType !== undefined) params.autoCloseType = req.autoCloseType;
  for (const name of ['startTime', 'endTime'] as const) {
    const value = req[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new SourceError(ctx, { kind: 'request' }, `${name} must be a time in epoch ms, got ${value}`);
    }
    params[name] = String(value);
  }
  if (params.startTime !== undefined && params.endTime !== undefined && req.startTime! > req.endTime!) {
    throw new SourceError(ctx, { kind: 'request' }, 'startTime is after endTime');
  }
  params.limit = String(MAX_LIMIT);
  return params;
}
