import { wsTimeEndpoint } from '#binance/hosts.js';
import { MarketStream } from '#binance/market-stream.js';
import { UserStream } from '#binance/user-stream.js';
import type { KeysProvider } from '#config/keys-provider.js';
import type { Config } from '#config/schema.js';
import type { SourceId } from '#core/position.js';
import type { EventFeed, StreamFactory } from './watch.js';

/**
 * The exchange's streams as the watcher opens them, at the configured endpoints (the exchange's own by
 * default; a testnet or the simulator otherwise): a market stream per market, and a user data stream per
 * account and exchange family, its listen key created on the source's REST endpoint with the account's keys.
 */
export function exchangeStreams(deps: { config: Config; keys: KeysProvider }): StreamFactory {
  const { endpoints } = deps.config;
  return {
    market: (market, h) =>
      new MarketStream({
        market,
        ...(market === 'usdm' ? { url: endpoints.usdmMarket } : { url: endpoints.coinmMarket }),
        onTick: h.onTick,
        onGap: h.onGap,
        onError: h.onError,
      }),
    user: (account, source, h): EventFeed => {
      let stream: UserStream | null = null;
      return {
        async start() {
          const signer = await deps.keys.signerFor(account);
          stream = new UserStream({
            account: account.name,
            source,
            signer,
            restEndpoint: restEndpointOf(deps.config, source),
            streamUrl: privateStreamOf(deps.config, source),
            onEvent: h.onEvent,
            onGap: h.onGap,
            onError: h.onError,
            // The next watcher (an overlapping invocation, a restarted laptop) reads the same key.
            keepKeyOnClose: true,
          });
          await stream.start();
        },
        async close() {
          await stream?.close();
        },
      };
    },
  };
}

/** Where a source's listen keys are made: its REST endpoint (`usdm-ws`: the USDⓈ-M REST host). */
function restEndpointOf(config: Config, source: SourceId): string | undefined {
  if (source !== 'usdm-ws') return config.endpoints[source];
  const ws = config.endpoints['usdm-ws'];
  return config.endpoints.usdm ?? (ws ? wsTimeEndpoint(ws) : undefined);
}

/** The user data stream's base a source's account is read on (`endpoints.*Private`, else the exchange's). */
export function privateStreamOf(config: Config, source: SourceId): string | undefined {
  if (source === 'coinm') return config.endpoints.coinmPrivate;
  if (source === 'pm-um' || source === 'pm-cm') return config.endpoints.pmPrivate;
  return config.endpoints.usdmPrivate;
}
