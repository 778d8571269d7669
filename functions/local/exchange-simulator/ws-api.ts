import { WebSocket } from 'ws';
import { z } from 'zod';
import { wsSignedPayload } from './auth.js';
import type { FrontEndContext } from './context.js';
import {
  type ExchangeError,
  invalidApiKey,
  invalidJsonRequest,
  ipBanned,
  restrictedLocation,
  serverError,
  tooManyRequests,
  unknownWsMethod,
} from './errors.js';
import { SOURCE_SPECS } from './exchange.js';
import { fillerRows, largeJsonChunks, streamWsMessage } from './large-body.js';
import type { SimFault, SimRequestLog } from './types.js';

/** The WebSocket API's path on the simulator, as on `wss://ws-fapi.binance.com/ws-fapi/v1`. */
export const WS_API_PATH = '/ws-fapi/v1';

const WsRequestSchema = z.object({
  id: z.union([z.string(), z.number(), z.null()]),
  method: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});

type RequestId = string | number | null;

/**
 * The methods served and their weights: `account.position` (seed 001) and `v2/account.status`, the
 * account's totals (`account-risk.ts`; weight 5:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/websocket-api/Account-Information-V2).
 */
const WS_METHODS: Record<string, { weight: number }> = {
  'account.position': { weight: SOURCE_SPECS['usdm-ws'].weight },
  'v2/account.status': { weight: 5 },
};

/**
 * Serves one frame of the WebSocket API: `account.position` (seed 001) with the REST rows in
 * `result`, or `v2/account.status` with the account's totals, every reply carrying `rateLimits` with
 * the USDⓈ-M request weight (the WebSocket API and `/fapi` REST share it). Errors are `{id, status, error: {code, msg}, rateLimits}`; 429 and 418 add
 * `error.data.retryAfter` (epoch ms).
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-api-general-info
 */
export function handleWsFrame(ctx: FrontEndContext, socket: WebSocket, data: string): void {
  const { exchange } = ctx;
  let frame: z.infer<typeof WsRequestSchema>;
  try {
    frame = WsRequestSchema.parse(JSON.parse(data));
  } catch {
    ctx.after(exchange.latencyMs, () => {
      const now = exchange.now();
      const reply = errorText(ctx, null, invalidJsonRequest(), exchange.weight.used('fapi', now), now);
      ctx.log({
        at: now,
        transport: 'ws',
        status: reply.status,
        ...(reply.code === undefined ? {} : { code: reply.code }),
      });
      if (socket.readyState === WebSocket.OPEN) socket.send(reply.text);
    });
    return;
  }
  const params = frame.params ?? {};
  const apiKey = typeof params.apiKey === 'string' ? params.apiKey : undefined;
  const account = exchange.accountNameByKey(apiKey);
  const known = Object.hasOwn(WS_METHODS, frame.method);
  const fault = known ? exchange.faults.take({ source: 'usdm-ws', account, path: frame.method }) : undefined;
  const wait = exchange.latencyMs + (fault?.kind === 'delay' ? fault.ms : 0);
  ctx.after(wait / 2, () => {
    const now = exchange.now();
    const reply = known
      ? answerPosition(ctx, frame.method, frame.id, params, apiKey, fault, now)
      : unknownMethod(ctx, frame, now);
    const entry: SimRequestLog = {
      at: now,
      transport: 'ws',
      method: frame.method,
      ...(known ? { source: 'usdm-ws' as const } : {}),
      ...(account === undefined ? {} : { account }),
      ...(apiKey === undefined ? {} : { apiKey }),
      status: reply === undefined ? 0 : reply.status,
      ...(reply?.code === undefined ? {} : { code: reply.code }),
      ...(fault === undefined ? {} : { fault: fault.kind }),
    };
    ctx.log(entry);
    if (reply === undefined) return;
    ctx.after(wait / 2, () => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (!reply.chunks) {
        socket.send(reply.text);
        return;
      }
      streamWsMessage(socket, reply.chunks, (body) => {
        entry.body = body;
      });
    });
  });
}

interface WsReplyText {
  status: number;
  code?: number;
  text: string;
  /** A reply made as it is sent (a `largeBody` fault), in place of `text`. */
  chunks?: Iterator<string>;
}

function rateLimits(ctx: FrontEndContext, count: number) {
  return [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: ctx.exchange.weight.limit, count },
  ];
}

function errorText(ctx: FrontEndContext, id: RequestId, error: ExchangeError, count: number, now: number): WsReplyText {
  const data = error.retryAt === undefined ? {} : { data: { serverTime: now, retryAfter: error.retryAt } };
  const body = {
    id,
    status: error.status,
    error: { code: error.code, msg: error.msg, ...data },
    rateLimits: rateLimits(ctx, count),
  };
  return { status: error.status, code: error.code, text: JSON.stringify(body) };
}

function unknownMethod(ctx: FrontEndContext, frame: { id: RequestId; method: string }, now: number): WsReplyText {
  const reading = ctx.exchange.weight.add('fapi', 1, now);
  return errorText(ctx, frame.id, unknownWsMethod(frame.method), reading.used, now);
}

/**
 * `account.position` or `v2/account.status`: weight, then the same checks and rows (or account) as REST.
 * `undefined` for no reply.
 */
function answerPosition(
  ctx: FrontEndContext,
  method: string,
  id: RequestId,
  params: Record<string, unknown>,
  apiKey: string | undefined,
  fault: SimFault | undefined,
  now: number,
): WsReplyText | undefined {
  const { exchange } = ctx;
  const call = {
    source: 'usdm-ws' as const,
    apiKey,
    params: new Map(
      Object.entries(params)
        .filter(([name, value]) => name !== 'signature' && value !== undefined && value !== null)
        .map(([name, value]) => [name, String(value)]),
    ),
    payload: wsSignedPayload(params),
    signature: typeof params.signature === 'string' ? params.signature : undefined,
  };
  const read = () => {
    if (method === 'account.position') return exchange.readPositions(call);
    const answer = exchange.readRisk(call, 'account');
    return 'error' in answer ? answer : { rows: [], body: answer.body };
  };
  if (fault && fault.kind !== 'delay') {
    const count = exchange.weight.used('fapi', now);
    switch (fault.kind) {
      case 'hang':
        return undefined;
      case 'status5xx':
        return errorText(ctx, id, serverError(fault.status), count, now);
      case 'rateLimit429':
        return errorText(ctx, id, tooManyRequests(exchange.weight.limit, fault.retryAfterSec, now), count, now);
      case 'ban418':
        return errorText(ctx, id, ipBanned(fault.retryAfterSec, now), count, now);
      case 'restricted451':
        return errorText(ctx, id, restrictedLocation(), count, now);
      case 'keyRevoked':
        // The answer to a key revoked on an open connection names no request: its id is null.
        return errorText(ctx, null, invalidApiKey(), count, now);
      case 'largeBody': {
        const result = read();
        const rows = 'rows' in result && result.rows.length > 0 ? result.rows : fillerRows('usdm-ws', now);
        const frame = { prefix: `{"id":${JSON.stringify(id)},"status":200,"result":`, suffix: '}' };
        const chunks = largeJsonChunks(
          rows.map((row) => JSON.stringify(row)),
          fault.bytes,
          frame,
        );
        return { status: 200, text: '', chunks };
      }
      case 'malformed': {
        if (fault.body === 'invalid-json')
          return { status: 200, text: `{"id":${JSON.stringify(id)},"status":200,"result":[` };
        const result = read();
        const rows = 'rows' in result ? result.rows : [];
        // A result of another shape than seed 001's array of rows.
        const body = { id, status: 200, result: { positions: rows }, rateLimits: rateLimits(ctx, count) };
        return { status: 200, text: JSON.stringify(body) };
      }
    }
  }
  const reading = exchange.weight.add('fapi', WS_METHODS[method]?.weight ?? 1, now);
  if (reading.over) {
    return errorText(ctx, id, tooManyRequests(exchange.weight.limit, reading.retryAfterSec, now), reading.used, now);
  }
  const result = read();
  if ('error' in result) return errorText(ctx, id, result.error, reading.used, now);
  const body = {
    id,
    status: 200,
    result: 'body' in result ? result.body : result.rows,
    rateLimits: rateLimits(ctx, reading.used),
  };
  return { status: 200, text: JSON.stringify(body) };
}
