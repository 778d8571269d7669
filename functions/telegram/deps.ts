import type { PositionReader } from '#accounts/ports.js';
import type { KeysProvider } from '#config/keys-provider.js';
import type { Config } from '#config/schema.js';
import type { Log } from '#shared/log.js';
import type { StateStore } from '#store/state-store.js';

/** What the bot's commands need: the config, the state, and the exchange for live answers. */
export interface BotDeps {
  config: Config;
  store: StateStore;
  exchange: PositionReader;
  keys: KeysProvider;
  now: () => number;
  log: Log;
}

export const HTML = { parse_mode: 'HTML' } as const;
