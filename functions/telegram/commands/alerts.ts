import { Composer, type Context } from 'telegraf';
import { chatTimeZone } from '#config/routes.js';
import type { AccountState } from '#core/alerts.js';
import { renderFiring } from '#core/format/alerts-view.js';
import { splitMessage } from '#core/format/html.js';
import { threadOf } from '../access.js';
import { type BotDeps, HTML } from '../deps.js';

export async function loadStates(deps: BotDeps): Promise<AccountState[]> {
  const loaded = await Promise.all(deps.config.accounts.map((a) => deps.store.loadAccount(a.name)));
  return loaded.flatMap((l) => (l.state ? [l.state] : []));
}

/** `/alerts`: what is firing now, and the mutes this chat is under. */
export function alertsCommands(deps: BotDeps): Composer<Context> {
  const c = new Composer<Context>();
  c.command('alerts', async (ctx) => {
    const now = deps.now();
    const [states, mutes] = await Promise.all([loadStates(deps), deps.store.listMutes(now)]);
    const reader = { chatId: ctx.chat.id, timeZone: chatTimeZone(deps.config, ctx.chat.id) };
    for (const part of splitMessage(renderFiring(states, mutes, now, reader))) {
      await ctx.reply(part, { ...HTML, ...threadOf(ctx) });
    }
  });
  return c;
}
