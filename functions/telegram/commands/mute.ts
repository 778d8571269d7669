import { randomUUID } from 'node:crypto';
import { Composer, type Context } from 'telegraf';
import { MUTE_CALLBACK } from '#contracts/callback-data.js';
import { alertKey } from '#core/alert.js';
import { escapeHtml } from '#core/format/html.js';
import { alertRef } from '#core/format/messages.js';
import { formatDuration, type Mute, parseDuration } from '#core/mutes.js';
import { SYMBOL_PATTERN } from '#core/position.js';
import { threadOf } from '../access.js';
import { type BotDeps, HTML } from '../deps.js';
import { loadStates } from './alerts.js';

const MUTE_USAGE = 'Usage: /mute <account|symbol|all> <duration>, for example /mute BTCUSDT 1h or /mute all 30m.';

/** Who a mute's target names: `all`, a configured account, or a symbol. */
function scopeOf(target: string, deps: BotDeps): Pick<Mute, 'scope' | 'target'> | null {
  if (target.toLowerCase() === 'all') return { scope: 'all', target: null };
  if (deps.config.accounts.some((a) => a.name === target)) return { scope: 'account', target };
  const symbol = target.toUpperCase();
  return SYMBOL_PATTERN.test(symbol) ? { scope: 'symbol', target: symbol } : null;
}

/** `/mute`, `/unmute`, and the Mute buttons under alerts. */
export function muteCommands(deps: BotDeps): Composer<Context> {
  const c = new Composer<Context>();
  c.command('mute', async (ctx) => {
    const [target, duration, ...extra] = ctx.payload.trim().split(/\s+/).filter(Boolean);
    const ms = duration ? parseDuration(duration) : null;
    const scope = target ? scopeOf(target, deps) : null;
    if (!target || !duration || extra.length > 0) return void (await ctx.reply(MUTE_USAGE, threadOf(ctx)));
    if (!scope)
      return void (await ctx.reply(`"${target}" is not an account, a symbol or "all". ${MUTE_USAGE}`, threadOf(ctx)));
    if (ms === null) {
      return void (await ctx.reply(
        `"${duration}" is not a duration: use minutes, hours or days up to 30d, such as 30m, 2h, 1d.`,
        threadOf(ctx),
      ));
    }
    const now = deps.now();
    await deps.store.putMute({ id: randomUUID(), ...scope, until: now + ms, chatId: ctx.chat!.id, createdAt: now });
    const what = scope.scope === 'all' ? 'all alerts' : escapeHtml(scope.target!);
    await ctx.reply(
      `🔇 Muted ${what} for ${formatDuration(ms)} in this chat. Critical alerts of a muted target stay silent too: /unmute to lift it.`,
      {
        ...HTML,
        ...threadOf(ctx),
      },
    );
  });
  c.command('unmute', async (ctx) => {
    const target = ctx.payload.trim();
    const scope = target ? scopeOf(target, deps) : null;
    if (target && !scope)
      return void (await ctx.reply(`"${target}" is not an account, a symbol or "all".`, threadOf(ctx)));
    const now = deps.now();
    const mine = (await deps.store.listMutes(now)).filter((m) => m.chatId === null || m.chatId === ctx.chat!.id);
    const lifted = mine.filter((m) => !scope || scope.scope === 'all' || m.target === scope.target);
    await deps.store.deleteMutes(lifted.map((m) => m.id));
    await ctx.reply(
      lifted.length ? `🔔 Lifted ${lifted.length} mute${lifted.length === 1 ? '' : 's'}.` : 'Nothing was muted.',
      threadOf(ctx),
    );
  });
  c.action(MUTE_CALLBACK, async (ctx) => {
    const [, how, ref] = ctx.match;
    const now = deps.now();
    const states = await loadStates(deps);
    const found = states.flatMap((s) => Object.values(s.alerts)).find((a) => alertRef(a.alert) === ref);
    if (!found) return void (await ctx.answerCbQuery('That alert is no longer firing.'));
    await deps.store.putMute({
      id: randomUUID(),
      scope: 'alert',
      target: alertKey(found.alert),
      until: how === '1h' ? now + 3_600_000 : null,
      chatId: ctx.chat!.id,
      createdAt: now,
    });
    await ctx.answerCbQuery(how === '1h' ? 'Muted for 1 hour' : 'Muted until it resolves');
  });
  return c;
}
