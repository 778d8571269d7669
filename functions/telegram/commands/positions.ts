import { Composer, type Context, Markup } from 'telegraf';
import { type PositionScope, readPositions } from '#check/read-positions.js';
import { splitMessage } from '#core/format/html.js';
import { renderPositions } from '#core/format/messages.js';
import { isSourceId } from '#core/position.js';
import { threadOf } from '../access.js';
import { type BotDeps, HTML } from '../deps.js';

const SYMBOL = /^[A-Z0-9_]{2,40}$/;

/** Reads `account`, `source` or `symbol` from the command's argument; `null` = everything. */
export function parseScope(arg: string, deps: BotDeps): PositionScope | { error: string } {
  const text = arg.trim();
  if (text === '') return null;
  if (deps.config.accounts.some((a) => a.name === text)) return { account: text };
  if (isSourceId(text)) return { source: text };
  const symbol = text.toUpperCase();
  if (SYMBOL.test(symbol)) return { symbol };
  return {
    error: `"${text}" is not an account, a source or a symbol. Try /positions, /positions BTCUSDT or /positions usdm.`,
  };
}

const refreshButton = (arg: string) =>
  Markup.inlineKeyboard([Markup.button.callback('🔄 Refresh', `pos:${arg}`.slice(0, 64))]);

async function render(deps: BotDeps, arg: string): Promise<string[] | { error: string }> {
  const scope = parseScope(arg, deps);
  if (scope && 'error' in scope) return scope;
  const { positions, failures } = await readPositions(deps, scope);
  return splitMessage(renderPositions(positions, failures, deps.now()));
}

/** `/positions [account|source|symbol]`: live, nearest to liquidation first, with a Refresh button. */
export function positionsCommands(deps: BotDeps): Composer<Context> {
  const c = new Composer<Context>();
  c.command('positions', async (ctx) => {
    const arg = ctx.payload.trim();
    const parts = await render(deps, arg);
    if ('error' in parts) return void (await ctx.reply(parts.error, threadOf(ctx)));
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      await ctx.reply(part, { ...HTML, ...threadOf(ctx), ...(last ? refreshButton(arg) : {}) });
    }
  });
  c.action(/^pos:(.*)$/, async (ctx) => {
    const arg = ctx.match[1] ?? '';
    const parts = await render(deps, arg);
    if ('error' in parts) return void (await ctx.answerCbQuery(parts.error.slice(0, 200)));
    await ctx.answerCbQuery('Refreshed');
    if (parts.length === 1) {
      try {
        await ctx.editMessageText(parts[0]!, { ...HTML, ...refreshButton(arg) });
      } catch (error) {
        // Nothing moved since the last look: Telegram refuses an identical edit, which is fine.
        if (!String((error as Error).message).includes('message is not modified')) throw error;
      }
      return;
    }
    for (const [i, part] of parts.entries()) {
      await ctx.reply(part, { ...HTML, ...threadOf(ctx), ...(i === parts.length - 1 ? refreshButton(arg) : {}) });
    }
  });
  return c;
}
