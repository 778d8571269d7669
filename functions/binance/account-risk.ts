import type { AccountRisk, AdlQuantile } from '#core/account-risk.js';
import type { SourceId } from '#core/position.js';
import { toCoinmRisks, toPortfolioRisks, toUsdmRisks } from './account-rows.js';
import { toAdlQuantiles } from './adl-rows.js';
import type { Cycle } from './cycle.js';
import { type CallContext, SourceError } from './errors.js';
import { restEndpointOf } from './force-orders.js';
import { ENDPOINTS, TIME_PROBES } from './hosts.js';
import type { RestSignedCalls } from './rest-signed-calls.js';
import type { Signer } from './sign.js';
import { ResponseShapeError, type RestTransportSpec, type WsTransportSpec } from './sources/source.js';
import type { WsSignedCalls } from './ws-signed-calls.js';

/** Read the account-level risk of one source of one account: its margin numbers, its legs' ADL quantiles, or both. */
export interface RiskRequest {
  account: string;
  source: SourceId;
  signer: Signer;
  /**
   * The source's endpoint, as its positions are read: an `http(s)` base URL, or for `usdm-ws` its
   * `ws(s)` URL, whose REST host is asked for the ADL quantiles (the WebSocket API has no such method).
   */
  endpoint?: string | undefined;
  /** `usdm-ws` only: the REST base URL whose `/fapi/v1/time` is the clock, as in `PositionRequest`. */
  timeEndpoint?: string | undefined;
  /**
   * What to read: the account's margin numbers, its legs' ADL quantiles, or both. Both must be read for
   * the request to succeed; ask in two requests for the two to settle apart. Portfolio Margin's account
   * page is the whole account's (weight 20): read it for one of `pm-um`, `pm-cm`, not for both.
   */
  parts: { account: boolean; adl: boolean };
  /** Local ms after which no attempt starts; each attempt is cut to end by then. */
  deadline?: number | undefined;
}

export type RiskResult =
  | { ok: true; account: string; source: SourceId; risks: AccountRisk[]; adl: AdlQuantile[]; ms: number }
  | { ok: false; account: string; source: SourceId; error: SourceError; ms: number };

/** One account page: how it is called, what it costs and how its answer is read. */
interface AccountPage {
  transport: RestTransportSpec | WsTransportSpec;
  weight: number;
  toRisks(body: unknown, account: string, source: SourceId): AccountRisk[];
}

/** A signed GET on one of the exchange's REST hosts, signed with that host's clock. */
function restPage(host: keyof typeof TIME_PROBES, path: string): RestTransportSpec {
  return { kind: 'rest', defaultEndpoint: ENDPOINTS[host], path, time: TIME_PROBES[host] };
}

const PAPI_ACCOUNT: AccountPage = {
  transport: restPage('papi', '/papi/v1/account'),
  // https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information
  weight: 20,
  toRisks: toPortfolioRisks,
};

/**
 * The account page of each source. USDⓈ-M reads V2: its V3 (same weight) is not needed, as both carry
 * the totals, and V2 is not retired (the official connector still calls it without a deprecation).
 */
export const ACCOUNT_PAGES: Record<SourceId, AccountPage> = {
  usdm: {
    transport: restPage('fapi', '/fapi/v2/account'),
    // https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V2
    weight: 5,
    toRisks: toUsdmRisks,
  },
  'usdm-ws': {
    // The WebSocket API has no time method: its requests are signed with USDⓈ-M REST's clock.
    transport: { kind: 'ws', defaultEndpoint: ENDPOINTS.wsFapi, method: 'v2/account.status', time: TIME_PROBES.fapi },
    // https://developers.binance.com/docs/derivatives/usds-margined-futures/account/websocket-api/Account-Information-V2
    weight: 5,
    toRisks: toUsdmRisks,
  },
  coinm: {
    transport: restPage('dapi', '/dapi/v1/account'),
    // https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Account-Information
    weight: 5,
    toRisks: toCoinmRisks,
  },
  'pm-um': PAPI_ACCOUNT,
  'pm-cm': PAPI_ACCOUNT,
};

const FAPI_ADL = {
  ...restPage('fapi', '/fapi/v1/adlQuantile'),
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-ADL-Quantile-Estimation
  weight: 5,
};

/** The ADL quantile page of each source. */
export const ADL_PAGES: Record<SourceId, RestTransportSpec & { weight: number }> = {
  usdm: FAPI_ADL,
  // The WebSocket API has no ADL method: `usdm-ws` reads USDⓈ-M REST's page.
  'usdm-ws': FAPI_ADL,
  coinm: {
    ...restPage('dapi', '/dapi/v1/adlQuantile'),
    // https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/rest-api/Position-ADL-Quantile-Estimation
    weight: 5,
  },
  'pm-um': {
    ...restPage('papi', '/papi/v1/um/adlQuantile'),
    // https://developers.binance.com/docs/derivatives/portfolio-margin/trade/UM-Position-ADL-Quantile-Estimation
    weight: 5,
  },
  'pm-cm': {
    ...restPage('papi', '/papi/v1/cm/adlQuantile'),
    // https://developers.binance.com/docs/derivatives/portfolio-margin/trade/CM-Position-ADL-Quantile-Estimation
    weight: 5,
  },
};

function endpointName(spec: RestTransportSpec | WsTransportSpec): string {
  return spec.kind === 'rest' ? `GET ${spec.path}` : `ws ${spec.method}`;
}

/** Where a request's first call goes: its account page, or its ADL page when only that is asked. */
export function riskContextOf(req: RiskRequest): CallContext {
  const spec = req.parts.account ? ACCOUNT_PAGES[req.source].transport : ADL_PAGES[req.source];
  return { account: req.account, source: req.source, endpoint: endpointName(spec) };
}

/** The signed calls the reads go over: the positions' own, with their clocks, bans and retries. */
export interface SignedCalls {
  rest: RestSignedCalls;
  ws: WsSignedCalls;
}

/**
 * The request's parts, read at once and normalised. Throws a `SourceError` naming the account, source
 * and endpoint of the first part that failed (the account page before the ADL page).
 */
export async function readRisks(
  calls: SignedCalls,
  cycle: Cycle,
  req: RiskRequest,
): Promise<{ risks: AccountRisk[]; adl: AdlQuantile[] }> {
  if (!req.parts.account && !req.parts.adl) {
    throw new SourceError(riskContextOf(req), { kind: 'request' }, 'ask for the account, its ADL quantiles or both');
  }
  const [risks, adl] = await Promise.allSettled([
    req.parts.account ? readAccount(calls, cycle, req) : Promise.resolve([]),
    req.parts.adl ? readAdl(calls.rest, cycle, req) : Promise.resolve([]),
  ]);
  if (risks.status === 'rejected') throw risks.reason;
  if (adl.status === 'rejected') throw adl.reason;
  return { risks: risks.value, adl: adl.value };
}

async function readAccount(calls: SignedCalls, cycle: Cycle, req: RiskRequest): Promise<AccountRisk[]> {
  const page = ACCOUNT_PAGES[req.source];
  const { transport } = page;
  const ctx: CallContext = { account: req.account, source: req.source, endpoint: endpointName(transport) };
  cycle.assertBeforeDeadline(ctx);
  const endpoint = req.endpoint ?? transport.defaultEndpoint;
  const body =
    transport.kind === 'rest'
      ? await calls.rest.call(ctx, { endpoint, spec: transport, params: {}, signer: req.signer }, cycle)
      : await calls.ws.call(
          ctx,
          {
            url: endpoint,
            timeEndpoint: req.timeEndpoint,
            time: transport.time,
            method: transport.method,
            params: {},
            signer: req.signer,
          },
          cycle,
        );
  return normalised(ctx, () => page.toRisks(body, req.account, req.source));
}

async function readAdl(rest: RestSignedCalls, cycle: Cycle, req: RiskRequest): Promise<AdlQuantile[]> {
  const spec = ADL_PAGES[req.source];
  const ctx: CallContext = { account: req.account, source: req.source, endpoint: endpointName(spec) };
  cycle.assertBeforeDeadline(ctx);
  const body = await rest.call(ctx, { endpoint: restEndpointOf(req), spec, params: {}, signer: req.signer }, cycle);
  return normalised(ctx, () => toAdlQuantiles(body, req.account, req.source));
}

/** A body of the wrong shape is a `malformed` failure of its call, its message naming the field. */
function normalised<T>(ctx: CallContext, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ResponseShapeError)) throw error;
    throw new SourceError(ctx, { kind: 'malformed', httpStatus: 200 }, error.message);
  }
}
