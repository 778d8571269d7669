import type { ChatRoute } from '#core/alerts.js';
import { type RuleSettings, resolveRuleSettings } from '#core/rules/settings.js';
import type { Config } from './schema.js';

/** The chats the config names, with their settings: who hears of alerts. */
export function chatRoutes(config: Config): ChatRoute[] {
  const own = config.telegram.chats ?? [];
  return [
    ...(config.telegram.chatIds ?? []).map((id) => ({ id })),
    ...own.map((c) => ({
      id: c.id,
      threadId: c.threadId,
      quietHours: c.quietHours,
      silent: c.silent,
      ringWhenEased: c.ringWhenEased,
    })),
  ];
}

/**
 * The one zone a chat reads clock times in: its own `timeZone`, else the zone of its quiet hours, else the
 * digest's, else UTC. A chat listed only in `chatIds` has the digest's zone.
 */
export function chatTimeZone(config: Config, chatId: number): string {
  const chat = config.telegram.chats?.find((c) => c.id === chatId);
  return chat?.timeZone ?? chat?.quietHours?.timeZone ?? config.telegram.digest?.timeZone ?? 'UTC';
}

/** The rules in force for an account: the defaults, the config's rules, then the account's own. */
export function accountRuleSettings(config: Config, account: string): RuleSettings {
  return resolveRuleSettings(config.rules, config.accounts.find((a) => a.name === account)?.rules);
}
