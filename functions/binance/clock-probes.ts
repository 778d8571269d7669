import { z } from 'zod';
import { ParseError, parseJsonWith } from '#shared/parse.js';
import { ServerClock, type ServerTimeProbe } from './clock.js';
import { type CallContext, SourceError } from './errors.js';
import type { Base, TimeProbeSpec } from './hosts.js';
import { type HttpTransport, readExchangeError } from './rest.js';

/** `GET /fapi/v1/time`, `/dapi/v1/time`: `{"serverTime": 1499827319559}`. */
const ServerTimeSchema = z.object({ serverTime: z.number() });

/**
 * The server clocks of the exchange's hosts: one per host and time path, created on first use, each
 * probing its host over the REST transport the way its `TimeProbeSpec` says.
 */
export class HostClocks {
  readonly #clocks = new Map<string, ServerClock>();
  readonly #http: HttpTransport;
  readonly #now: () => number;

  constructor(http: HttpTransport, now: () => number) {
    this.#http = http;
    this.#now = now;
  }

  /** The clock of `base`'s host read at `time.path`; `ctx` names the call it first serves in a probe's error. */
  for(ctx: CallContext, base: Base, time: TimeProbeSpec): ServerClock {
    const key = `${base.origin}${base.prefix}${time.path}`;
    let clock = this.#clocks.get(key);
    if (!clock) {
      clock = new ServerClock(this.#probe({ ...ctx, endpoint: `GET ${time.path}` }, base, time), { now: this.#now });
      this.#clocks.set(key, clock);
    }
    return clock;
  }

  /** Resolves when no clock has a sync in flight (used before closing connections). */
  async settle(): Promise<void> {
    await Promise.all([...this.#clocks.values()].map((c) => c.settle()));
  }

  #probe(ctx: CallContext, base: Base, time: TimeProbeSpec): ServerTimeProbe {
    return async () => {
      const sent = this.#now();
      const answer = await this.#http.get(ctx, base.origin, `${base.prefix}${time.path}`, {});
      const received = this.#now();
      if (answer.status !== 200) {
        throw new SourceError(
          ctx,
          { kind: 'exchange', httpStatus: answer.status, ...readExchangeError(answer.body) },
          'no server time',
        );
      }
      return time.read === 'serverTime'
        ? { serverTime: readServerTime(ctx, answer.body), localTime: (sent + received) / 2 }
        : // The Date header has whole seconds: the server's time was at least this when the answer
          // arrived, so timestamps never run ahead of the server (1000 ms ahead is refused) and stay
          // well inside recvWindow behind it.
          { serverTime: readDateHeader(ctx, answer.headers.date), localTime: received };
    };
  }
}

function readServerTime(ctx: CallContext, body: string): number {
  try {
    return parseJsonWith(ServerTimeSchema, body, ctx.endpoint).serverTime;
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    throw new SourceError(ctx, { kind: 'malformed', httpStatus: 200 }, 'the time response has no serverTime', {
      cause: error,
    });
  }
}

function readDateHeader(ctx: CallContext, header: string | string[] | undefined): number {
  const value = Date.parse(String(Array.isArray(header) ? header[0] : header));
  if (Number.isFinite(value)) return value;
  throw new SourceError(ctx, { kind: 'malformed', httpStatus: 200 }, 'the ping response has no Date header');
}
