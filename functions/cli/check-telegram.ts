import { Telegram } from 'telegraf';
import type { AlertQueue } from '#check/alert-queue.js';
import type { Config } from '#config/schema.js';
import type { Delivery } from '#contracts/queue-message.js';
import { boundBotApiCalls } from '#telegram/bounded-calls.js';
import { createLocalRuntime } from './local-runtime.js';

/*
 * Telegram for `liqwatch check`: the bot's queue handler in-process, every Bot API call bounded, and what
 * Telegram did not take kept in the outbox for the next run.
 */

/** A Bot API call gives up after this long (telegraf's own limit is 500 s). */
const TELEGRAM_TIMEOUT_MS = 10_000;

export type RuntimeParts = Parameters<typeof createLocalRuntime>[0];

/**
 * Telegram for one run: every Bot API call bounded, deliveries through the outbox. What an earlier run
 * could not deliver goes out first (a cycle's news joins the outbox behind it, or, when a run has no
 * news, at its end); `finish` says what still waits.
 */
export async function startTelegram(
  parts: RuntimeParts,
  timeoutSignal: (ms: number) => AbortSignal,
): Promise<{ queue: AlertQueue; finish(): Promise<Delivery[]> }> {
  const config = await withBotUsername(parts, timeoutSignal);
  const runtime = await createLocalRuntime({ ...parts, config });
  boundBotApiCalls(runtime.bot.telegram, TELEGRAM_TIMEOUT_MS, timeoutSignal);
  let offered = false;
  return {
    queue: {
      send: (deliveries) => {
        offered = true;
        return runtime.queue.send(deliveries);
      },
    },
    async finish() {
      if (!offered) await runtime.queue.flush();
      return runtime.queue.waiting();
    },
  };
}

/** The bot's username, from the config or from a bounded getMe, so the bot is never built by an unbounded one. */
async function withBotUsername(
  parts: Pick<RuntimeParts, 'config' | 'token' | 'apiRoot'>,
  timeoutSignal: (ms: number) => AbortSignal,
): Promise<Config> {
  if (parts.config.telegram.botUsername) return parts.config;
  const api = new Telegram(parts.token, parts.apiRoot ? { apiRoot: parts.apiRoot } : {});
  boundBotApiCalls(api, TELEGRAM_TIMEOUT_MS, timeoutSignal);
  const me = await api.getMe();
  return { ...parts.config, telegram: { ...parts.config.telegram, botUsername: me.username } };
}

/** What is still waiting for Telegram, one line per chat. */
export function queuedLines(queued: readonly Delivery[]): string[] {
  const perChat = new Map<number, number>();
  for (const d of queued) perChat.set(d.chatId, (perChat.get(d.chatId) ?? 0) + 1);
  return [...perChat].map(([chat, n]) => `${n} message(s) for chat ${chat} are still queued; the next run sends them`);
}
