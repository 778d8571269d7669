import { Composer, type Context } from 'telegraf';
import { renderRules, renderStatus } from '#core/format/command-views.js';
import { splitMessage } from '#core/format/html.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import { threadOf } from '../access.js';
import { type BotDeps, HTML } from '../deps.js';

/** `/status` (last check per source, failures, weight used) and `/rules` (thresholds in force). */
export function statusCommands(deps: BotDeps): Composer<Context> {
  const c = new Composer<Context>();
  c.command('status', async (ctx) => {
    const [states, weight] = await Promise.all([
      Promise.all(
        deps.config.accounts.map(async (a) => ({
          account: a.name,
          sources: a.sources,
          state: (await deps.store.loadAccount(a.name)).state,
        })),
      ),
      deps.store.loadWeight(),
    ]);
    for (const part of splitMessage(renderStatus(states, weight, deps.now()))) {
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
