import type { Telegram } from 'telegraf';
import { chatRoutes, chatTimeZone } from '#config/routes.js';
import type { Config } from '#config/schema.js';
import { nextLocalTime, zonedClock } from '#core/format/times.js';
import type { Log } from '#shared/log.js';
import { readSendFailure } from './telegram-refusal.js';

/**
 * "liqwatch is watching 2 accounts on 5 sources; next digest at 08:00 Europe/Berlin.", the digest's time told
 * in the zone of the chat that reads it (`timeZone`) as it falls next after `nowMs`.
 */
export function renderGreeting(config: Config, timeZone: string, nowMs: number): string {
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const sources = config.accounts.reduce((n, a) => n + a.sources.length, 0);
  const d = config.telegram.digest;
  const next = () => nextLocalTime(nowMs, d?.at ?? '08:00', d?.timeZone ?? 'UTC');
  const digest = d?.enabled === false ? 'no daily digest' : `next digest at ${zonedClock(next(), timeZone)}`;
  return [
    `liqwatch is watching ${count(config.accounts.length, 'account')} on ${count(sources, 'source')}; ${digest}.`,
    `Accounts: ${config.accounts.map((a) => `${a.name} (${a.sources.join(', ')})`).join('; ')}.`,
    'Send /status for the last check of each source.',
  ].join('\n');
}

export interface GreetDeps {
  telegram: Pick<Telegram, 'sendMessage'>;
  log: Log;
  /** Waits `ms` (a real timer in Lambda; a test's clock in tests). */
  sleep: (ms: number) => Promise<void>;
  /** The clock in epoch ms: the next digest is told from it. */
  now: () => number;
  /** Said of a failure in place of the token, which a network error's URL carries. */
  token: string;
  /** True once no new send may start (the deploy's function has a timeout). */
  outOfTime?: () => boolean;
}

/** Telegram's bound for a bot across chats is about 30 messages a second (https://core.telegram.org/bots/faq). */
const BETWEEN_CHATS_MS = 50;
/** The longest flood-control wait taken for a first message: longer, and the deploy would wait for a courtesy. */
const MAX_WAIT_S = 30;

/**
 * Sends each configured chat (to its topic, if it has one) the first message, once; a 429 is waited out
 * once. A chat that cannot be reached (the user never pressed Start, the bot is not in the group) is
 * logged with Telegram's reason and the others still get theirs: the deploy does not fail for it.
 * https://core.telegram.org/bots/api#sendmessage
 */
export async function greetChats(config: Config, deps: GreetDeps): Promise<{ sent: number; failed: number[] }> {
  const failed: number[] = [];
  let sent = 0;
  for (const [i, chat] of chatRoutes(config).entries()) {
    if (deps.outOfTime?.()) {
      failed.push(chat.id);
      deps.log.warn('no time left for the first message to a chat', { chatId: chat.id });
      continue;
    }
    if (i > 0) await deps.sleep(BETWEEN_CHATS_MS);
    const extra = chat.threadId ? { message_thread_id: chat.threadId } : {};
    const text = renderGreeting(config, chatTimeZone(config, chat.id), deps.now());
    const send = () => deps.telegram.sendMessage(chat.id, text, extra);
    try {
      await send().catch(async (error: unknown) => {
        const failure = readSendFailure(error);
        if (failure.kind !== 'wait' || failure.seconds > MAX_WAIT_S) throw error;
        await deps.sleep(failure.seconds * 1000);
        await send();
      });
      sent += 1;
    } catch (error) {
      failed.push(chat.id);
      const failure = readSendFailure(error);
      const reason = 'refusal' in failure ? failure.refusal.description : JSON.stringify(failure);
      deps.log.warn('the first message did not reach a chat', {
        chatId: chat.id,
        reason: reason.replaceAll(deps.token, '[token]'),
      });
    }
  }
  return { sent, failed };
}
