// Over 200 lines on purpose: the simulator's REST front end, one route table and the one request
// path every route shares (signature, timestamp window, weight, faults) in the order the exchange applies them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { restSignedPayload } from './auth.js';
import type { FrontEndContext } from './context.js';
import {
  type ExchangeError,
  invalidApiKey,
  ipBanned,
  restrictedLocation,
  serverError,
  tooManyRequests,
  unknownPath,
} from './errors.js';
import { type Exchange, type SignedCall, SOURCE_SPECS } from './exchange.js';
import { type ForceOrderBook, forceOrderWeight } from './force-orders.js';
import { fillerRows, largeJsonChunks, streamHttpBody } from './large-body.js';
import { answerListenKey, type ListenKeyRoute, listenKeyRoute } from './listen-keys.js';
import type { SimFault, SimRequestLog, SourceId } from './types.js';
import type { HostFamily } from './weight.js';

type RestRoute =
  | ListenKeyRoute
  | ({ family: HostFamily; weight: number } & (
      | { answer: 'positions'; source: SourceId }
      | { answer: 'forceOrders'; source: ForceOrderBook }
      | { answer: 'account'; source: SourceId }
      | { answer: 'adl'; source: SourceId }
      | { answer: 'time' }
      | { answer: 'ping' }
    ));

function positionRoute(source: SourceId): RestRoute {
  return { ...SOURCE_SPECS[source], answer: 'positions', source };
}

/** A force-order page; its weight depends on the query (`forceOrderWeight`). */
function forceOrderRoute(source: ForceOrderBook): RestRoute {
  return { family: SOURCE_SPECS[source].family, weight: 50, answer: 'forceOrders', source };
}

/** An account-risk page (`account-risk.ts`, `adl.ts`) and its documented weight (pages cited there). */
function riskRoute(answer: 'account' | 'adl', source: SourceId, weight: number): RestRoute {
  return { family: SOURCE_SPECS[source].family, weight, answer, source };
}

/**
 * The REST endpoints the simulator serves: the four REST position sources, their force-order pages
 * (`force-orders.ts`), their account and ADL quantile pages (`/papi/v1/account` is `pm-um`'s and the
 * whole Portfolio Margin account's), the two time endpoints
 * (`{"serverTime": ms}`) and the pings (`{}`; Portfolio Margin has no time endpoint, so its clients
 * read the `Date` header of `/papi/v1/ping`).
 */
const REST_ROUTES: Record<string, RestRoute> = {
  '/fapi/v2/positionRisk': positionRoute('usdm'),
  '/dapi/v1/positionRisk': positionRoute('coinm'),
  '/papi/v1/um/positionRisk': positionRoute('pm-um'),
  '/papi/v1/cm/positionRisk': positionRoute('pm-cm'),
  '/fapi/v1/forceOrders': forceOrderRoute('usdm'),
  '/dapi/v1/forceOrders': forceOrderRoute('coinm'),
  '/papi/v1/um/forceOrders': forceOrderRoute('pm-um'),
  '/papi/v1/cm/forceOrders': forceOrderRoute('pm-cm'),
  '/fapi/v2/account': riskRoute('account', 'usdm', 5),
  '/dapi/v1/account': riskRoute('account', 'coinm', 5),
  '/papi/v1/account': riskRoute('account', 'pm-um', 20),
  '/fapi/v1/adlQuantile': riskRoute('adl', 'usdm', 5),
  '/dapi/v1/adlQuantile': riskRoute('adl', 'coinm', 5),
  '/papi/v1/um/adlQuantile': riskRoute('adl', 'pm-um', 5),
  '/papi/v1/cm/adlQuantile': riskRoute('adl', 'pm-cm', 5),
  '/fapi/v1/time': { family: 'fapi', weight: 1, answer: 'time' },
  '/dapi/v1/time': { family: 'dapi', weight: 1, answer: 'time' },
  '/fapi/v1/ping': { family: 'fapi', weight: 1, answer: 'ping' },
  '/dapi/v1/ping': { family: 'dapi', weight: 1, answer: 'ping' },
  '/papi/v1/ping': { family: 'papi', weight: 1, answer: 'ping' },
};

function familyOfPath(path: string): HostFamily | undefined {
  const prefix = path.split('/')[1];
  return prefix === 'fapi' || prefix === 'dapi' || prefix === 'papi' ? prefix : undefined;
}

interface RestAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** False when the `Date` header is left out on purpose (a malformed ping). */
  date: boolean;
  code?: number;
  /** No answer at all. */
  hang?: boolean;
  /** A body made as it is sent (a `largeBody` fault), in place of `body`. */
  stream?: Iterator<string>;
}

interface RestRequest {
  method: string;
  path: string;
  rawQuery: string;
  route: RestRoute | undefined;
  apiKey: string | undefined;
  fault: SimFault | undefined;
}

/**
 * Serves one HTTP request as the exchange would: a fault if one is armed for it, else weight, then
 * the endpoint. Half the latency passes before the request is processed and half after, so the
 * server's time in a reply sits in the middle of the round trip, as it does over a real network.
 */
export function handleRestRequest(ctx: FrontEndContext, req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const method = req.method ?? 'GET';
  // The listen-key calls (`listen-keys.ts`) are the only ones that are not a GET.
  const route = method === 'GET' ? REST_ROUTES[path] : listenKeyRoute(method, path);
  const rawKey = req.headers['x-mbx-apikey'];
  const apiKey = Array.isArray(rawKey) ? rawKey[0] : rawKey;
  const source = route ? ('source' in route ? route.source : 'time') : undefined;
  const account = ctx.exchange.accountNameByKey(apiKey);
  const fault = route ? ctx.exchange.faults.take({ source, account, path }) : undefined;
  const wait = ctx.exchange.latencyMs + (fault?.kind === 'delay' ? fault.ms : 0);
  // The request body is never used, but it must be read for the connection to be reused.
  req.resume();
  ctx.after(wait / 2, () => {
    const request: RestRequest = { method, path, rawQuery: q < 0 ? '' : url.slice(q + 1), route, apiKey, fault };
    const answer = answerRest(ctx.exchange, request);
    const entry: SimRequestLog = {
      at: ctx.exchange.now(),
      transport: 'rest',
      path,
      // A listen-key path takes three methods: the entry says which.
      ...(route?.answer === 'listenKey' ? { method } : {}),
      ...(source === undefined ? {} : { source }),
      ...(account === undefined ? {} : { account }),
      ...(apiKey === undefined ? {} : { apiKey }),
      status: answer.hang ? 0 : answer.status,
      ...(answer.code === undefined ? {} : { code: answer.code }),
      ...(fault === undefined ? {} : { fault: fault.kind }),
    };
    ctx.log(entry);
    if (answer.hang) return;
    ctx.after(wait / 2, () => send(res, answer, ctx.exchange.now(), entry));
  });
}

function answerRest(exchange: Exchange, r: RestRequest): RestAnswer {
  const now = exchange.now();
  const family = r.route?.family ?? familyOfPath(r.path);
  const weightHeader = (used: number) => ({ 'X-MBX-USED-WEIGHT-1M': String(used) });
  if (r.route && r.fault && r.fault.kind !== 'delay') {
    const headers = weightHeader(exchange.weight.used(r.route.family, now));
    return faultAnswer(exchange, { ...r, route: r.route }, r.fault, headers, now);
  }
  const reading = family ? exchange.weight.add(family, weightOf(r), now) : undefined;
  const headers = reading ? weightHeader(reading.used) : {};
  if (reading?.over) return errorAnswer(tooManyRequests(exchange.weight.limit, reading.retryAfterSec, now), headers);
  if (!r.route) return errorAnswer(unknownPath(r.path, r.method), headers);
  switch (r.route.answer) {
    case 'time':
      return jsonAnswer({ serverTime: now }, headers);
    case 'ping':
      return jsonAnswer({}, headers);
    case 'positions':
    case 'forceOrders': {
      const result = readRest(exchange, r.route, r.rawQuery, r.apiKey);
      return 'error' in result ? errorAnswer(result.error, headers) : jsonAnswer(result.rows, headers);
    }
    case 'account':
    case 'adl': {
      const result = exchange.readRisk(signedCall(r.route.source, r.rawQuery, r.apiKey), r.route.answer);
      return 'error' in result ? errorAnswer(result.error, headers) : jsonAnswer(result.body, headers);
    }
    case 'listenKey': {
      const result = answerListenKey(exchange, r.route, r.method, r.apiKey);
      return 'error' in result ? errorAnswer(result.error, headers) : jsonAnswer(result.body, headers);
    }
  }
}

/** The weight a request counts: a force-order page's depends on whether it names a symbol. */
function weightOf(r: RestRequest): number {
  if (r.route?.answer !== 'forceOrders') return r.route?.weight ?? 1;
  return forceOrderWeight(new Map(new URLSearchParams(r.rawQuery)));
}

/** A signed position or force-order read. */
function readRest(
  exchange: Exchange,
  route: { answer: 'positions' | 'forceOrders'; source: SourceId },
  rawQuery: string,
  apiKey: string | undefined,
) {
  const call = signedCall(route.source, rawQuery, apiKey);
  return route.answer === 'positions' ? exchange.readPositions(call) : exchange.readForceOrders(call);
}

/** A signed REST call: the query string decoded for the checks, and kept as sent for the signature. */
function signedCall(source: SourceId, rawQuery: string, apiKey: string | undefined): SignedCall {
  const params = new URLSearchParams(rawQuery);
  return {
    source,
    apiKey,
    params: new Map(params),
    payload: restSignedPayload(rawQuery),
    signature: params.get('signature') ?? undefined,
  };
}

function faultAnswer(
  exchange: Exchange,
  r: RestRequest & { route: RestRoute },
  fault: Exclude<SimFault, { kind: 'delay' }>,
  headers: Record<string, string>,
  now: number,
): RestAnswer {
  switch (fault.kind) {
    case 'status5xx':
      return errorAnswer(serverError(fault.status), headers);
    case 'rateLimit429':
      return errorAnswer(tooManyRequests(exchange.weight.limit, fault.retryAfterSec, now), headers);
    case 'ban418':
      return errorAnswer(ipBanned(fault.retryAfterSec, now), headers);
    case 'hang':
      return { status: 0, body: '', headers, date: true, hang: true };
    case 'keyRevoked':
      return errorAnswer(invalidApiKey(), headers);
    case 'restricted451':
      return errorAnswer(restrictedLocation(), headers);
    case 'largeBody': {
      const route = r.route.answer === 'positions' || r.route.answer === 'forceOrders' ? r.route : undefined;
      const source = route?.source;
      const result = route ? readRest(exchange, route, r.rawQuery, r.apiKey) : undefined;
      const rows = result && 'rows' in result && result.rows.length > 0 ? result.rows : fillerRows(source, now);
      const stream = largeJsonChunks(
        rows.map((row) => JSON.stringify(row)),
        fault.bytes,
      );
      return { status: 200, body: '', headers: jsonHeaders(headers), date: true, stream };
    }
    case 'malformed':
      return malformedAnswer(exchange, r, fault.body ?? 'wrong-shape', headers, now);
  }
}

/** A 200 a client must refuse: another shape than the page documents, or no JSON at all. */
function malformedAnswer(
  exchange: Exchange,
  r: RestRequest & { route: RestRoute },
  body: 'wrong-shape' | 'invalid-json',
  headers: Record<string, string>,
  now: number,
): RestAnswer {
  const { route } = r;
  if (route.answer === 'ping') {
    const text = body === 'wrong-shape' ? '{}' : '<html><body>Service Unavailable</body></html>';
    return { status: 200, body: text, headers: { ...headers, 'Content-Type': 'text/html' }, date: false };
  }
  if (route.answer === 'time') {
    const text =
      body === 'wrong-shape' ? JSON.stringify({ serverTime: new Date(now).toISOString() }) : '{"serverTime":';
    return { status: 200, body: text, headers: jsonHeaders(headers), date: true };
  }
  if (body === 'invalid-json') {
    return { status: 200, body: '[{"symbol":"BTCUSDT","positionAmt":"0.0', headers: jsonHeaders(headers), date: true };
  }
  const result =
    route.answer === 'listenKey'
      ? { body: {} }
      : route.answer === 'account' || route.answer === 'adl'
        ? exchange.readRisk(signedCall(route.source, r.rawQuery, r.apiKey), route.answer)
        : readRest(exchange, route, r.rawQuery, r.apiKey);
  const data = 'rows' in result ? result.rows : 'body' in result ? result.body : [];
  return { status: 200, body: JSON.stringify({ code: 200, data }), headers: jsonHeaders(headers), date: true };
}

function jsonHeaders(headers: Record<string, string>): Record<string, string> {
  return { ...headers, 'Content-Type': 'application/json;charset=UTF-8' };
}

function jsonAnswer(body: unknown, headers: Record<string, string>): RestAnswer {
  return { status: 200, body: JSON.stringify(body), headers: jsonHeaders(headers), date: true };
}

function errorAnswer(error: ExchangeError, headers: Record<string, string>): RestAnswer {
  return {
    status: error.status,
    body: JSON.stringify({ code: error.code, msg: error.msg }),
    headers: {
      ...jsonHeaders(headers),
      ...(error.retryAfterSec === undefined ? {} : { 'Retry-After': String(error.retryAfterSec) }),
    },
    date: true,
    code: error.code,
  };
}

function send(res: ServerResponse, answer: RestAnswer, now: number, entry: SimRequestLog): void {
  if (res.destroyed || res.writableEnded) return;
  if (answer.date) res.setHeader('Date', new Date(now).toUTCString());
  else res.sendDate = false;
  res.writeHead(answer.status, answer.headers);
  if (!answer.stream) {
    res.end(answer.body);
    return;
  }
  streamHttpBody(res, answer.stream, (body) => {
    entry.body = body;
  });
}
