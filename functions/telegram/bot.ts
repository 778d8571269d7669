import { type Context, Telegraf } from 'telegraf';
import { message } from 'telegraf/filters';
import type { UserFromGetMe } from 'telegraf/types';
import { capArg } from '#core/format/command-views.js';
import { messageOf } from '#shared/errors.js';
import { allowList, threadOf } from './access.js';
import { ackCommands } from './commands/ack.js';
import { alertsCommands } from './commands/alerts.js';
import { markCommandEntity } from './commands/command-entity.js';
import { helpCommands } from './commands/help.js';
import { muteCommands } from './commands/mute.js';
import { positionsCommands } from './commands/positions.js';
import { statusCommands } from './commands/status.js';
import type { BotDeps } from './deps.js';

export interface BotOptions {
  token: string;
  /** Telegram's Bot API, or a local stand-in (TELEGRAM_API_ROOT). */
  apiRoot?: string | undefined;
  /** Known bot identity, so a cold start makes no getMe call. */
  botInfo?: UserFromGetMe | undefined;
  /** Below the Lambda's timeout. */
  handlerTimeoutMs?: number;
  deps: BotDeps;
}

/**
 * The bot: the allow-list first (strangers get nothing), a command's entity where it came without one,
 * then one composer per command family, then fallbacks: /help for an unknown command, a short answer for
 * a button no composer reads.
 */
export function createBot(opts: BotOptions): Telegraf<Context> {
  const bot = new Telegraf<Context>(opts.token, {
    telegram: { ...(opts.apiRoot ? { apiRoot: opts.apiRoot } : {}), webhookReply: false },
    handlerTimeout: opts.handlerTimeoutMs ?? 25_000,
  });
  if (opts.botInfo) bot.botInfo = opts.botInfo;
  const { deps } = opts;
  bot.use(allowList(deps.config), markCommandEntity());
  bot.use(
    helpCommands(),
    positionsCommands(deps),
    alertsCommands(deps),
    statusCommands(deps),
    muteCommands(deps),
    ackCommands(deps),
  );
  bot.on(message('text'), async (ctx) => {
    const text = ctx.message.text;
    if (!text.startsWith('/')) {
      if (ctx.chat.type === 'private') await ctx.reply('Commands start with /. Try /help.', threadOf(ctx));
      return;
    }
    const [command] = text.slice(1).split(/[\s@]/, 1);
    const addressed = text.split(/\s/, 1)[0]!.split('@')[1];
    // In a group, a command for another bot is none of our business.
    if (addressed && bot.botInfo && addressed.toLowerCase() !== bot.botInfo.username.toLowerCase()) return;
    await ctx.reply(`Unknown command /${capArg(command ?? '')}. Try /help.`, threadOf(ctx));
  });
  // Every button press is answered, or it spins until Telegram gives up: data no composer reads (a button
  // of an older version, a removed one) lands here (https://core.telegram.org/bots/api#answercallbackquery).
  bot.on('callback_query', (ctx) => ctx.answerCbQuery('That button is no longer in use.'));
  bot.catch(async (error, ctx) => {
    deps.log.error('update failed', { updateId: ctx.update.update_id, error: messageOf(error) });
    const sorry = 'Sorry, that failed. /status shows what the checks see.';
    // A button whose work failed still stops spinning; Telegram refuses a second answer to one already answered.
    if (ctx.callbackQuery) await ctx.answerCbQuery(sorry).catch(() => {});
    await ctx.reply(sorry, threadOf(ctx)).catch(() => {});
  });
  return bot;
}
