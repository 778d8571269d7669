import type { FrontEndContext } from './context.js';
import { SOURCE_SPECS } from './exchange.js';
import { portfolioPage } from './portfolio-account.js';
import { legNumbers } from './risk-numbers.js';
import { riskViewOf } from './risk-view.js';
import { STREAM_ROUTES } from './stream-routes.js';
import type { SimUserStreams, SourceId } from './types.js';
import { marginCall, riskLevelChange } from './user-streams-events.js';
import { userStreamsOf } from './user-streams-hub.js';
import type { HostFamily } from './weight.js';

/*
 * The user data streams' paths on the simulator's one port, as the exchange's are: USDⓈ-M's
 * `wss://fstream.binance.com/private/ws/<listenKey>` at `/private/ws/<listenKey>`, Portfolio Margin's
 * `wss://fstream.binance.com/pm/ws/<listenKey>` at `/pm/ws/<listenKey>`, and COIN-M's, on a host of its
 * own (`wss://dstream.binance.com/ws/<listenKey>`), at `/dstream-private/ws/<listenKey>`, clear of the
 * market streams' `/market` and `/dstream`.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/user-data-streams
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams
 */
const PREFIXES: Record<HostFamily, string> = { fapi: '/private', dapi: '/dstream-private', papi: '/pm' };

/** A listen key is letters and digits; a market stream's name always holds an `@`. */
const ROUTE = /^\/(private|dstream-private|pm)\/ws\/([A-Za-z0-9]+)$/;

const FAMILY_OF_PREFIX: Record<string, HostFamily> = { private: 'fapi', 'dstream-private': 'dapi', pm: 'papi' };

STREAM_ROUTES.push({
  claims: (path) => ROUTE.test(path),
  serve(ctx, ws, req) {
    const [, prefix = '', key = ''] = ROUTE.exec((req.url ?? '').split('?')[0] ?? '') ?? [];
    userStreamsOf(ctx.exchange).serve(ctx, ws, FAMILY_OF_PREFIX[prefix] ?? 'fapi', key);
  },
});

/** The user data stream part of `ExchangeSimulator`, for the simulator whose WebSocket base is `wsBase`. */
export function userStreamControls(ctx: FrontEndContext, wsBase: string): SimUserStreams {
  const { exchange } = ctx;
  const hub = userStreamsOf(exchange);
  const openLegs = (account: string, source: SourceId) => hub.legs(account, source).filter((p) => p.positionAmt !== 0);
  return {
    userStreamUrl: (source) => `${wsBase}${PREFIXES[familyOf(source)]}`,
    marginCall(account, source) {
      if (familyOf(source) === 'papi') {
        throw new Error('Portfolio Margin sends no MARGIN_CALL: its risk level changes (riskLevelChange)');
      }
      const legs = openLegs(account, source);
      if (legs.length === 0) throw new Error(`${account} holds no open leg on ${source} to margin-call`);
      const set = exchange.account(account).risk.wallet(source);
      const wallet = set
        ? [...set.values()].reduce((sum, amount) => sum + amount, 0)
        : legs.reduce((sum, p) => sum + legNumbers(source, p).openingMargin, 0);
      hub.push(account, source, marginCall(source, legs, wallet, exchange.now()));
    },
    riskLevelChange(account, level) {
      const state = exchange.account(account);
      const view = riskViewOf(state.positions, state.account.hedgeMode ?? false, state.risk, exchange.now());
      hub.push(account, 'pm-um', riskLevelChange(portfolioPage(view), level, exchange.now()));
    },
    dropUserStreams: (account) => hub.drop(account),
    pushMalformedUserFrame(account, source, body = 'wrong-shape') {
      const now = exchange.now();
      // A forced close without its price and amounts: a client must not tell it as a liquidation of nothing.
      const wrong = {
        e: 'ORDER_TRADE_UPDATE',
        E: now,
        T: now,
        o: { s: 'BTCUSDT', c: `autoclose-${now}`, S: 'SELL', ps: 'BOTH', X: 'FILLED' },
      };
      hub.push(account, source, body === 'invalid-json' ? '{"e":"ACCOUNT_UPDATE","E":' : wrong);
    },
  };
}

function familyOf(source: SourceId): HostFamily {
  return SOURCE_SPECS[source].family;
}
