import { MARKET_STREAM_ENDPOINTS } from '#binance/market-stream-rows.js';
import { sources } from '#binance/sources/index.js';
import { PRIVATE_STREAMS } from '#binance/user-stream-options.js';
import { SOURCE_IDS } from '#core/position.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import { chatTimeZone } from './routes.js';
import type { ChatConfig, Config } from './schema.js';

/*
 * The config as liqwatch runs it, for `liqwatch config validate`: every field the file may leave out
 * shown with the value used in its place. Fields with no default (a chat's topic, its quiet hours, the
 * bot's username, read with getMe when absent) stay out when the file leaves them out.
 */

/** The daily digest when the config says nothing: on, at 08:00 UTC. */
export const DIGEST_DEFAULTS = { enabled: true, at: '08:00', timeZone: 'UTC' } as const;

/** One check a minute, read once. */
export const SCHEDULE_DEFAULTS = { everyMinutes: 1, pollSeconds: 0, weightShare: 0.5 } as const;

/** The config with each default filled in: rules per account, chats, digest, schedule, the exchange's endpoints. */
export function resolvedConfig(config: Config) {
  return {
    ...config,
    rules: resolveRuleSettings(config.rules),
    accounts: config.accounts.map((a) => ({ ...a, rules: resolveRuleSettings(config.rules, a.rules) })),
    telegram: {
      ...config.telegram,
      chatIds: config.telegram.chatIds ?? [],
      chats: (config.telegram.chats ?? []).map((chat) => resolvedChat(chat, chatTimeZone(config, chat.id))),
      digest: { ...DIGEST_DEFAULTS, ...config.telegram.digest },
    },
    schedule: { ...SCHEDULE_DEFAULTS, ...config.schedule },
    endpoints: { ...defaultEndpoints(), ...config.endpoints },
  };
}

function resolvedChat(chat: ChatConfig, timeZone: string) {
  return {
    ...chat,
    timeZone,
    ...(chat.quietHours ? { quietHours: { timeZone: 'UTC', ...chat.quietHours } } : {}),
    silent: chat.silent ?? [],
    ringWhenEased: chat.ringWhenEased ?? false,
  };
}

/** The exchange's own endpoints, each under the name that replaces it in `endpoints`. */
function defaultEndpoints() {
  return {
    ...Object.fromEntries(SOURCE_IDS.map((id) => [id, sources[id].transport.defaultEndpoint])),
    usdmMarket: MARKET_STREAM_ENDPOINTS.usdm,
    coinmMarket: MARKET_STREAM_ENDPOINTS.coinm,
    usdmPrivate: PRIVATE_STREAMS.usdm,
    coinmPrivate: PRIVATE_STREAMS.coinm,
    pmPrivate: PRIVATE_STREAMS['pm-um'],
  };
}
