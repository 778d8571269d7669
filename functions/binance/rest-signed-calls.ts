import { ParseError, readJson } from '#shared/parse.js';
import type { HostClocks } from './clock-probes.js';
import type { Cycle } from './cycle.js';
import { type CallContext, SourceError } from './errors.js';
import { readExchangeError } from './exchange-answer.js';
import { parseBase } from './hosts.js';
import type { HttpTransport } from './rest.js';
import { encodeParams, type Signer } from './sign.js';
import type { RestTransportSpec } from './sources/source.js';

/** One signed GET to a REST host. */
export interface RestSignedCall {
  /** The `http(s)` base URL. */
  endpoint: string;
  spec: RestTransportSpec;
  params: Record<string, string>;
  signer: Signer;
}

/**
 * Signed GETs over the REST transport: the query signed with the host's server clock (learned again
 * on -1021), `&signature=` last, the key in `X-MBX-APIKEY`, and the body read as JSON.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 */
export class RestSignedCalls {
  readonly #http: HttpTransport;
  readonly #clocks: HostClocks;
  readonly #recvWindow: number | undefined;

  constructor(http: HttpTransport, clocks: HostClocks, opts: { recvWindow: number | undefined }) {
    this.#http = http;
    this.#clocks = clocks;
    this.#recvWindow = opts.recvWindow;
  }

  /** The answer's JSON; a `SourceError` for every failure, on the call's own context. */
  call(ctx: CallContext, call: RestSignedCall, cycle: Cycle): Promise<unknown> {
    const { spec, signer } = call;
    const base = parseBase(ctx, call.endpoint, ['http:', 'https:']);
    const clock = this.#clocks.for(ctx, base, spec.time);
    return clock.retryOn1021(async () => {
      const query = encodeParams({ ...call.params, recvWindow: this.#recvWindow, timestamp: clock.timestamp() });
      const target = `${base.prefix}${spec.path}?${query}&signature=${encodeURIComponent(signer.sign(query))}`;
      const answer = await this.#http.get(ctx, base.origin, target, { 'X-MBX-APIKEY': signer.apiKey }, cycle);
      if (answer.status !== 200) {
        const details = { kind: 'exchange', httpStatus: answer.status, ...readExchangeError(answer.body) } as const;
        throw new SourceError(ctx, details, 'refused');
      }
      try {
        return readJson(answer.body, ctx.endpoint);
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
        const details = { kind: 'malformed', httpStatus: 200 } as const;
        throw new SourceError(ctx, details, 'the response is not valid JSON', { cause: error });
      }
    });
  }
}
