import { z } from 'zod';
import type { SourceId } from '#core/position.js';
import { ParseError, parseJsonWith } from '#shared/parse.js';
import { type CallContext, SourceError } from './errors.js';
import { readExchangeError } from './exchange-answer.js';
import { ENDPOINTS, parseBase } from './hosts.js';
import type { HttpTransport } from './rest.js';
import type { Signer } from './sign.js';

/*
 * The listen key of an account's user data stream: created, kept alive and closed over the source's
 * REST host with the API key alone (USER_STREAM: `X-MBX-APIKEY`, no timestamp, no signature), weight 1
 * each. One key per account and product: a POST on an account that has one returns it and extends it.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/user-data-streams/Start-User-Data-Stream
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams
 */

/** Where each source's account creates its key: `usdm-ws` is the USDⓈ-M account, Portfolio Margin one account. */
export const LISTEN_KEY_PATHS = {
  usdm: '/fapi/v1/listenKey',
  'usdm-ws': '/fapi/v1/listenKey',
  coinm: '/dapi/v1/listenKey',
  'pm-um': '/papi/v1/listenKey',
  'pm-cm': '/papi/v1/listenKey',
} as const satisfies Record<SourceId, string>;

/** The exchange's REST host of each source's listen key (`usdm-ws` reads the USDⓈ-M account over REST). */
export const LISTEN_KEY_HOSTS = {
  usdm: ENDPOINTS.fapi,
  'usdm-ws': ENDPOINTS.fapi,
  coinm: ENDPOINTS.dapi,
  'pm-um': ENDPOINTS.papi,
  'pm-cm': ENDPOINTS.papi,
} as const satisfies Record<SourceId, string>;

/**
 * -1125 "This listenKey does not exist.": the key expired or was closed. The pages' answer to it:
 * "Please use POST /fapi/v1/listenKey to recreate listenKey."
 */
export const LISTEN_KEY_GONE = -1125;

/** Whether a failed call says the account's key is gone, so that a new one is the cure. */
export function isListenKeyGone(error: unknown): boolean {
  return error instanceof SourceError && error.exchangeCode === LISTEN_KEY_GONE;
}

/** Whose key, and on which REST host. */
export interface ListenKeyRequest {
  account: string;
  source: SourceId;
  /** Only its API key is sent. */
  signer: Signer;
  /** The source's `http(s)` REST base; the exchange's own host when absent. */
  endpoint?: string | undefined;
}

/** `POST` answers `{"listenKey": "…"}`; USDⓈ-M's `PUT` the same, COIN-M's and Portfolio Margin's `{}`. */
const CreatedSchema = z.object({ listenKey: z.string().min(1, 'expected a listen key') });

/**
 * The three listen-key calls on the REST transport: its pools, retries on network faults and 5xx,
 * weights and `Retry-After` bans are the same as every other call's. Each failure is a `SourceError`
 * naming the account, the source and the call (`POST /fapi/v1/listenKey`); neither the API key nor a
 * listen key is ever in a message.
 */
export class ListenKeys {
  readonly #http: HttpTransport;

  constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** The account's listen key: its active one, extended for 60 minutes, or a new one. */
  async create(req: ListenKeyRequest): Promise<string> {
    const { ctx, body } = await this.#call('POST', req);
    try {
      return parseJsonWith(CreatedSchema, body, ctx.endpoint).listenKey;
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      throw new SourceError(ctx, { kind: 'malformed', httpStatus: 200 }, 'the answer holds no listen key', {
        cause: error,
      });
    }
  }

  /** Extends the account's key for 60 minutes; fails with -1125 (`isListenKeyGone`) once it has expired. */
  async keepAlive(req: ListenKeyRequest): Promise<void> {
    await this.#call('PUT', req);
  }

  /** Closes the account's stream and invalidates its key. */
  async close(req: ListenKeyRequest): Promise<void> {
    await this.#call('DELETE', req);
  }

  async #call(method: 'POST' | 'PUT' | 'DELETE', req: ListenKeyRequest): Promise<{ ctx: CallContext; body: string }> {
    const path = LISTEN_KEY_PATHS[req.source];
    const ctx: CallContext = { account: req.account, source: req.source, endpoint: `${method} ${path}` };
    const base = parseBase(ctx, req.endpoint ?? LISTEN_KEY_HOSTS[req.source], ['http:', 'https:']);
    const answer = await this.#http.request(method, ctx, base.origin, `${base.prefix}${path}`, {
      'X-MBX-APIKEY': req.signer.apiKey,
    });
    if (answer.status !== 200) {
      const details = { kind: 'exchange', httpStatus: answer.status, ...readExchangeError(answer.body) } as const;
      throw new SourceError(ctx, details, 'refused');
    }
    return { ctx, body: answer.body };
  }
}
