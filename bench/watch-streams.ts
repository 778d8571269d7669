import { MarketStream } from '#binance/market-stream.js';
import { HttpTransport } from '#binance/rest.js';
import { UserStream } from '#binance/user-stream.js';
import { privateStreamOf } from '#check/exchange-streams.js';
import type { StreamFactory } from '#check/watch.js';
import type { KeysProvider } from '#config/keys-provider.js';
import type { Config } from '#config/schema.js';
import type { SkipClock } from './watch-clock.js';

/**
 * The exchange's streams as `exchangeStreams` (functions/check/exchange-streams.ts) opens them, on the
 * replay's clock: the same `MarketStream` and `UserStream` clients, given its time and timers, so that a
 * reconnect's backoff, a keepalive and the silence that reopens a market stream come in market time as
 * they would in real time, and a REST transport of their own per user stream, as there, whose listen-key
 * calls count as work. What the streams push is news for the clock; each feed's calls count as work.
 */
export function clockedStreams(clock: SkipClock, config: Config, keys: KeysProvider): StreamFactory {
  const { endpoints } = config;
  const noted =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      clock.note();
      fn(...args);
    };
  return {
    market: (market, h) =>
      clock.tracked(
        new MarketStream({
          market,
          url: market === 'usdm' ? endpoints.usdmMarket : endpoints.coinmMarket,
          onTick: noted(h.onTick),
          onGap: noted(h.onGap),
          onError: noted(h.onError),
          now: clock.now,
          timers: clock.timers,
        }),
      ),
    user: (account, source, h) => {
      let stream: UserStream | undefined;
      const http = clock.tracked(new HttpTransport({ now: clock.now }));
      return clock.tracked({
        async start() {
          stream = new UserStream({
            account: account.name,
            source,
            signer: await keys.signerFor(account),
            restEndpoint: endpoints[source === 'usdm-ws' ? 'usdm' : source],
            streamUrl: privateStreamOf(config, source),
            onEvent: noted(h.onEvent),
            onGap: noted(h.onGap),
            onError: noted(h.onError),
            now: clock.now,
            timers: clock.timers,
            http,
            // As exchangeStreams: the next, overlapping invocation reads the same key.
            keepKeyOnClose: true,
          });
          await stream.start();
        },
        async close() {
          await stream?.close();
          await http.close();
        },
      });
    },
  };
}
