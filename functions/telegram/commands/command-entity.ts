import type { Context, MiddlewareFn } from 'telegraf';

/** A command word as Telegram marks one: `/`, up to 32 letters, digits or `_`, maybe `@botname`, then a space or the end. */
const COMMAND_WORD = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{5,32})?(?=\s|$)/;

/**
 * Marks a command that arrived without its `bot_command` entity, as in the example update of Telegram's
 * webhook guide (https://core.telegram.org/bots/webhooks#testing-your-bot-with-updates). telegraf's
 * `command()` matches only a message whose first entity is a `bot_command` at offset 0; this adds that
 * entity as Telegram would have written it: offset 0, the length of the command word with its `@botname`,
 * in UTF-16 code units (https://core.telegram.org/bots/api#messageentity). A command for another bot is
 * marked too, and `command()` then leaves it alone as it does any such command.
 */
export function markCommandEntity(): MiddlewareFn<Context> {
  return (ctx, next) => {
    const message = ctx.message;
    if (message && 'text' in message) {
      const word = COMMAND_WORD.exec(message.text)?.[0];
      const entities = message.entities ?? [];
      if (word && !entities.some((x) => x.type === 'bot_command' && x.offset === 0)) {
        message.entities = [{ type: 'bot_command', offset: 0, length: word.length }, ...entities];
      }
    }
    return next();
  };
}
