import type { UserFromGetMe } from 'telegraf/types';
import { botIdentity } from '#contracts/bot-identity.js';
import type { MethodTable } from './context.js';
import { ApiError } from './errors.js';
import { jsonParam } from './request-params.js';

/** The bot's own user: its id is the token's number, as in a real token (`123456:ABC…`). */
export function botInfoFor(token: string, username = 'liqwatch_test_bot'): UserFromGetMe {
  return botIdentity(token, username);
}

/** The methods about the bot itself: who it is and its command menu. */
export const botMethods: MethodTable = {
  /** https://core.telegram.org/bots/api#getme */
  getMe: (_p, { botInfo }) => botInfo,

  /** https://core.telegram.org/bots/api#setmycommands */
  setMyCommands(p, ctx) {
    const list = jsonParam(p.commands) as { command?: string; description?: string }[] | undefined;
    if (!Array.isArray(list) || list.length > 100) throw new ApiError(400, 'Bad Request: commands not specified');
    for (const c of list) {
      if (!/^[a-z0-9_]{1,32}$/.test(c.command ?? '')) throw new ApiError(400, 'Bad Request: BOT_COMMAND_INVALID');
      if (!c.description || c.description.length > 256) {
        throw new ApiError(400, 'Bad Request: command description is empty or too long');
      }
    }
    ctx.myCommands = list;
    return true;
  },

  /** https://core.telegram.org/bots/api#getmycommands */
  getMyCommands: (_p, { myCommands }) => myCommands,
};
