import { type CallContext, SourceError } from './errors.js';

/*
 * The exchange's hosts and the paths liqwatch calls on them, each declared once: the sources take
 * their endpoint, path and clock from here.
 */

/** How the exchange's clock is read on a REST host. */
export interface TimeProbeSpec {
  path: string;
  /** `serverTime`: a JSON `{serverTime}` body; `date`: the `Date` header (hosts with no time endpoint). */
  read: 'serverTime' | 'date';
}

/**
 * The exchange's own endpoints: USDⓈ-M, COIN-M and Portfolio Margin REST, and the USDⓈ-M WebSocket API.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 */
export const ENDPOINTS = {
  fapi: 'https://fapi.binance.com',
  dapi: 'https://dapi.binance.com',
  papi: 'https://papi.binance.com',
  wsFapi: 'wss://ws-fapi.binance.com/ws-fapi/v1',
} as const;

/** Position Information, per source: a REST path, or the WebSocket API's method. */
export const POSITION_PATHS = {
  usdm: '/fapi/v2/positionRisk',
  'usdm-ws': 'account.position',
  coinm: '/dapi/v1/positionRisk',
  'pm-um': '/papi/v1/um/positionRisk',
  'pm-cm': '/papi/v1/cm/positionRisk',
} as const;

/**
 * The account's force orders (liquidations and auto-deleverages), per source. `usdm-ws` has no such
 * method on the WebSocket API: it reads USDⓈ-M REST's.
 */
export const FORCE_ORDER_PATHS = {
  usdm: '/fapi/v1/forceOrders',
  'usdm-ws': '/fapi/v1/forceOrders',
  coinm: '/dapi/v1/forceOrders',
  'pm-um': '/papi/v1/um/forceOrders',
  'pm-cm': '/papi/v1/cm/forceOrders',
} as const;

/** Where each REST host tells its time. The WebSocket API has no time method: its clock is `fapi`'s. */
export const TIME_PROBES = {
  fapi: { path: '/fapi/v1/time', read: 'serverTime' },
  dapi: { path: '/dapi/v1/time', read: 'serverTime' },
  // Portfolio Margin has no time endpoint: its clock is read from the `Date` header of its ping.
  papi: { path: '/papi/v1/ping', read: 'date' },
} as const satisfies Record<string, TimeProbeSpec>;

const WS_FAPI_HOSTNAME = new URL(ENDPOINTS.wsFapi).hostname;

/** The REST host that tells the WebSocket API's time (see `PositionRequest.timeEndpoint`). */
export function wsTimeEndpoint(wsUrl: string): string {
  const url = new URL(wsUrl);
  if (url.hostname === WS_FAPI_HOSTNAME) return ENDPOINTS.fapi;
  return `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}`;
}

/** An endpoint, as the transports call it. */
export interface Base {
  origin: string;
  /** A path prefix of the base URL, without a trailing slash (`''` for a bare host). */
  prefix: string;
}

/** Reads an endpoint URL given in a request or the config; `protocols` are the ones its channel speaks. */
export function parseBase(ctx: CallContext, endpoint: string, protocols: readonly string[]): Base {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new SourceError(ctx, { kind: 'request' }, `endpoint ${JSON.stringify(endpoint)} is not a URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new SourceError(
      ctx,
      { kind: 'request' },
      `endpoint ${url.origin} must be ${protocols.map((p) => p.replace(':', '')).join(' or ')}`,
    );
  }
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
}
