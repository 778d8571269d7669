import { Composer, type Context } from 'telegraf';
import { accountRuleSettings, chatTimeZone } from '#config/routes.js';
import { renderRules, renderStatus } from '#core/format/command-views.js';
import { splitMessage } from '#core/format/html.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import { weightCapacity } from '#core/weight-capacity.js';
import type { ChatReachability } from '#store/chat-reachability.js';
import { keepsHostBans } from '#store/host-bans.js';
import { threadOf } from '../access.js';
import { type BotDeps, HTML } from '../deps.js';

/**
 * `/status` (margin numbers as last read, last check per source and per account read, failures, weight
 * used, chats not receiving alerts) and `/rules` (thresholds in force). `chats` comes with the deps when the bot keeps chat reachability (assemble-bot.ts).
 */
export function statusCommands(deps: BotDeps & { chats?: ChatReachability | undefined }): Composer<Context> {
  const c = new Composer<Context>();
  c.command('status', async (ctx) => {
    const [states, weight, bans, chats] = await Promise.all([
      Promise.all(
        deps.config.accounts.map(async (a) => ({
          account: a.name,
          sources: a.sources,
          state: (await deps.store.loadAccount(a.name)).state,
          settings: accountRuleSettings(deps.config, a.name),
        })),
      ),
      deps.store.loadWeight(),
      keepsHostBans(deps.store) ? deps.store.loadBans(deps.now()) : [],
      deps.chats?.loadStanding(),
    ]);
    const zone = chatTimeZone(deps.config, ctx.chat.id);
    for (const part of splitMessage(
      renderStatus(states, weight, deps.now(), bans, chats, zone, weightCapacity(deps.config)),
    )) {
      await ctx.reply(part, { ...HTML, ...threadOf(ctx) });
    }
  });
  c.command('rules', async (ctx) => {
    const perAccount = deps.config.accounts.map((a) => ({
      account: a.name,
      settings: resolveRuleSettings(deps.config.rules, a.rules),
    }));
    for (const part of splitMessage(renderRules(perAccount))) await ctx.reply(part, { ...HTML, ...threadOf(ctx) });
  });
  return c;
}
