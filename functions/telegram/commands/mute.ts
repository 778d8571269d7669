import { randomUUID } from 'node:crypto';
import { Composer, type Context } from 'telegraf';
import { MUTE_CALLBACK } from '#contracts/callback-data.js';
import { alertKey } from '#core/alert.js';
import { quoteArg } from '#core/format/command-views.js';
import { escapeHtml } from '#core/format/html.js';
import { alertRef } from '#core/format/messages.js';
import {
  formatDuration,
  MAX_MUTE_DAYS,
  MAX_MUTE_MS,
  type Mute,
  muteNames,
  mutesOfChat,
  parseDuration,
} from '#core/mutes.js';
import { nearestName } from '#core/nearest-name.js';
import { SYMBOL_PATTERN } from '#core/position.js';
import { threadOf } from '../access.js';
import { type BotDeps, HTML } from '../deps.js';
import { loadStates } from './alerts.js';
import { symbolsHeldNow, symbolsOnRecord } from './known-names.js';

const MUTE_USAGE = 'Usage: /mute <account|symbol|all> <duration>, for example /mute BTCUSDT 1h or /mute all 30m.';

/**
 * Who a mute's target names: `all`, a configured account, or a symbol on record (held or alerting at the
 * last check, named in the rules) or held now. Anything else is a typo until shown otherwise: the answer
 * says so and suggests the nearest name, rather than mute a symbol that never alerts.
 */
async function resolveTarget(
  typed: string,
  deps: BotDeps,
): Promise<Pick<Mute, 'scope' | 'target'> | { error: string }> {
  if (typed.toLowerCase() === 'all') return { scope: 'all', target: null };
  const accounts = deps.config.accounts.map((a) => a.name);
  if (accounts.includes(typed)) return { scope: 'account', target: typed };
  const symbol = typed.toUpperCase();
  const valid = SYMBOL_PATTERN.test(symbol);
  const recorded = symbolsOnRecord(deps, await loadStates(deps));
  if (valid && recorded.has(symbol)) return { scope: 'symbol', target: symbol };
  // Only a well-formed symbol is worth asking the exchange about.
  const held = valid ? await symbolsHeldNow(deps) : { symbols: new Set<string>(), failures: [] };
  if (held.symbols.has(symbol)) return { scope: 'symbol', target: symbol };
  const nearest = nearestName(typed, [...accounts, ...recorded, ...held.symbols]);
  return {
    error: [
      `${quoteArg(typed)} is unknown: not a configured account, nor a symbol held, alerting or named in the rules.`,
      ...(nearest ? [`Did you mean ${nearest}?`] : []),
      ...(held.failures.length ? ['Some sources could not be read just now: /status.'] : []),
    ].join(' '),
  };
}

/** The answer to a duration that is not one (`null`), or is longer than a mute may last. */
function durationProblem(typed: string, ms: number | null): string {
  return ms === null
    ? `${quoteArg(typed)} is not a duration: use minutes, hours or days, such as 30m, 2h, 1d.`
    : `${quoteArg(typed)} is longer than the limit of ${MAX_MUTE_DAYS} days: mute for ${MAX_MUTE_DAYS}d at most, and again when it ends.`;
}

/** `/mute`, `/unmute`, and the Mute buttons under alerts. */
export function muteCommands(deps: BotDeps): Composer<Context> {
  const c = new Composer<Context>();
  c.command('mute', async (ctx) => {
    const [typed, duration, ...extra] = ctx.payload.trim().split(/\s+/).filter(Boolean);
    if (!typed || !duration || extra.length > 0) return void (await ctx.reply(MUTE_USAGE, threadOf(ctx)));
    const ms = parseDuration(duration);
    if (ms === null || ms > MAX_MUTE_MS) return void (await ctx.reply(durationProblem(duration, ms), threadOf(ctx)));
    const scope = await resolveTarget(typed, deps);
    if ('error' in scope) return void (await ctx.reply(scope.error, threadOf(ctx)));
    const now = deps.now();
    await deps.store.putMute({ id: randomUUID(), ...scope, until: now + ms, chatId: ctx.chat.id, createdAt: now });
    const what = scope.scope === 'all' ? 'all alerts' : escapeHtml(scope.target!);
    await ctx.reply(
      `🔇 Muted ${what} for ${formatDuration(ms)} in this chat. Critical alerts of a muted target stay silent too: /unmute to lift it.`,
      { ...HTML, ...threadOf(ctx) },
    );
  });
  c.command('unmute', async (ctx) => {
    const typed = ctx.payload.trim();
    const everything = typed === '' || typed.toLowerCase() === 'all';
    const name = deps.config.accounts.some((a) => a.name === typed) ? typed : typed.toUpperCase();
    const now = deps.now();
    const mine = mutesOfChat(await deps.store.listMutes(now), ctx.chat.id);
    // A symbol or account also lifts the mutes of its single alerts (the Mute buttons' "until resolved").
    const lifted = everything ? mine : mine.filter((m) => muteNames(m, name));
    await deps.store.deleteMutes(lifted.map((m) => m.id));
    const none = everything
      ? 'Nothing was muted.'
      : `Nothing was muted for ${quoteArg(typed)}: /alerts lists the mutes.`;
    await ctx.reply(
      lifted.length ? `🔔 Lifted ${lifted.length} mute${lifted.length === 1 ? '' : 's'}.` : none,
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
