import { Composer, type Context } from 'telegraf';
import { HELP_TEXT } from '#core/format/command-views.js';
import { threadOf } from '../access.js';
import { HTML } from '../deps.js';

/** `/start` and `/help`. */
export function helpCommands(): Composer<Context> {
  const c = new Composer<Context>();
  c.command(['start', 'help'], (ctx) => ctx.reply(HELP_TEXT, { ...HTML, ...threadOf(ctx) }));
  return c;
}
