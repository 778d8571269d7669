import { Composer, type Context, Markup } from 'telegraf';
import { type LiveView, type PositionScope, readPositions } from '#accounts/read-positions.js';
import { accountRuleSettings, chatTimeZone } from '#config/routes.js';
import { encodeCallback, REFRESH_CALLBACK } from '#contracts/callback-data.js';
import { quoteArg, renderPositions, type TiersOf } from '#core/format/command-views.js';
import { splitMessage } from '#core/format/html.js';
import { type RiskLine, readingLines } from '#core/format/risk-view.js';
import { nearestName } from '#core/nearest-name.js';
import { isSourceId, SYMBOL_PATTERN } from '#core/position.js';
import { liqThresholds } from '#core/rules/settings.js';
import { messageOf } from '#shared/errors.js';
import { threadOf } from '../access.js';
import { type BotDeps, HTML } from '../deps.js';
import { loadStates } from './alerts.js';
import { openSymbols, symbolsOnRecord } from './known-names.js';

/** Reads `account`, `source` or `symbol` from the command's argument; `null` = everything. */
export function parseScope(arg: string, deps: BotDeps): PositionScope | { error: string } {
  const text = arg.trim();
  if (text === '') return null;
  if (deps.config.accounts.some((a) => a.name === text)) return { account: text };
  if (isSourceId(text)) {
    if (deps.config.accounts.some((a) => a.sources.includes(text))) return { source: text };
    return { error: `No configured account reads ${text}.` };
  }
  const symbol = text.toUpperCase();
  if (SYMBOL_PATTERN.test(symbol)) return { symbol };
  return {
    error: `${quoteArg(text)} is not an account, a source or a symbol. Try /positions, /positions BTCUSDT or /positions usdm.`,
  };
}

const refreshButton = (arg: string) =>
  Markup.inlineKeyboard([Markup.button.callback('🔄 Refresh', encodeCallback({ kind: 'refresh', arg }))]);

/** Each leg is marked by its own account's thresholds, for its symbol. */
const tiersOf =
  (deps: BotDeps): TiersOf =>
  (p) =>
    liqThresholds(accountRuleSettings(deps.config, p.account), p.symbol);

/** Each account's numbers as lines, judged by its own thresholds. */
function riskLines(deps: BotDeps, view: LiveView): RiskLine[] {
  return view.accounts.flatMap((a) => readingLines(a, accountRuleSettings(deps.config, a.account)));
}

/** The answer for `arg`, its time in the zone of the chat that asked. */
async function render(deps: BotDeps, arg: string, chatId: number | undefined): Promise<string[] | { error: string }> {
  const zone = chatId === undefined ? 'UTC' : chatTimeZone(deps.config, chatId);
  const scope = parseScope(arg, deps);
  if (scope && 'error' in scope) return scope;
  if (!scope || !('symbol' in scope)) {
    const view = await readPositions(deps, scope, { risks: 'numbers' });
    const read = { positions: view.positions, risks: riskLines(deps, view), failures: view.failures };
    return splitMessage(renderPositions(read, deps.now(), tiersOf(deps), undefined, zone));
  }
  // Everything is read either way (a symbol is filtered after the read); the rest is the nearest to suggest.
  const view = await readPositions(deps, null, { risks: 'numbers' });
  const matched = view.positions.filter((p) => p.symbol === scope.symbol);
  const suggestion = openSymbols(matched).size
    ? null
    : nearestName(scope.symbol, [...openSymbols(view.positions), ...symbolsOnRecord(deps, await loadStates(deps))]);
  const asked = { symbol: scope.symbol, suggestion };
  const read = { positions: matched, risks: riskLines(deps, view), failures: view.failures };
  return splitMessage(renderPositions(read, deps.now(), tiersOf(deps), asked, zone));
}

/**
 * `/positions [account|source|symbol]`: live, each account's margin numbers first, then the legs nearest to
 * liquidation first, with a Refresh button.
 */
export function positionsCommands(deps: BotDeps): Composer<Context> {
  const c = new Composer<Context>();
  c.command('positions', async (ctx) => {
    const arg = ctx.payload.trim();
    const parts = await render(deps, arg, ctx.chat.id);
    if ('error' in parts) return void (await ctx.reply(parts.error, threadOf(ctx)));
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      await ctx.reply(part, { ...HTML, ...threadOf(ctx), ...(last ? refreshButton(arg) : {}) });
    }
  });
  c.action(REFRESH_CALLBACK, async (ctx) => {
    const arg = ctx.match[1] ?? '';
    const parts = await render(deps, arg, ctx.chat?.id);
    if ('error' in parts) return void (await ctx.answerCbQuery(parts.error.slice(0, 200)));
    await ctx.answerCbQuery('Refreshed');
    if (parts.length === 1) {
      try {
        await ctx.editMessageText(parts[0]!, { ...HTML, ...refreshButton(arg) });
      } catch (error) {
        // Nothing moved since the last look: Telegram refuses an identical edit, which is fine.
        if (!messageOf(error).includes('message is not modified')) throw error;
      }
      return;
    }
    for (const [i, part] of parts.entries()) {
      await ctx.reply(part, { ...HTML, ...threadOf(ctx), ...(i === parts.length - 1 ? refreshButton(arg) : {}) });
    }
  });
  return c;
}
