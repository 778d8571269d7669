import type { Telegram } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { QueueBody } from '#contracts/chat-notice.js';
import { splitMessage } from '#core/format/html.js';
import { renderDelivery } from '#core/format/messages.js';
import { renderChatNotice } from '#core/format/reachability.js';
import type { SendMarkers } from '#store/state-store.js';
import { alertButtons } from './alert-buttons.js';
import type { TelegrafSignal } from './bounded-calls.js';
import { type ChatAt, type ChatTrackerDeps, createChatTracker } from './chat-tracker.js';
import { sendHtmlOrPlainText } from './plain-text-fallback.js';
import { readSendFailure } from './telegram-refusal.js';

/**
 * A delivery not done now, which the queue should offer again, and why: Telegram's flood control asked
 * for `retryAfterS` (hold the message that long), the invocation is running out of time, another worker
 * is sending it, or a send really failed. Only the last counts toward the dead-letter queue.
 */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly reason: 'flood-wait' | 'out-of-time' | 'in-flight' | 'failed',
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

export interface DeliverDeps extends Omit<ChatTrackerDeps, 'now'> {
  telegram: Pick<Telegram, 'callApi'>;
  store: SendMarkers;
  /** The clock in epoch ms (default `Date.now`): pacing, send leases and deadlines are measured on it. */
  now?: () => number;
  /** Waits `ms` on that clock (default a real timer); a test passes one that advances its own time. */
  sleep?: (ms: number) => Promise<void>;
  /** The zone a configured chat reads clock times in (routes.ts `chatTimeZone`); default UTC for every chat. */
  timeZoneOf?: (chatId: number) => string;
  /** Telegram asks for about one message a second per chat. */
  perChatGapMs?: number;
  /** The longest `retry_after` waited for in place; a longer one holds the message on the queue. */
  maxInlineWaitS?: number;
  /** @default 10 s: no request waits longer for Telegram (telegraf's own timeout is minutes long). */
  requestTimeoutMs?: number;
  /** The signal that ends a request after `ms` (default `AbortSignal.timeout`). */
  timeoutSignal?: (ms: number) => AbortSignal;
}

/** When the invocation must be done by (epoch ms on the deliverer's clock). */
export interface Budget {
  deadlineMs?: number | undefined;
}

/** A claim that outlives this: a sender that died mid-send frees it after a minute. */
const LEASE_MS = 60_000;
/** Time kept after the last request for its sent marker and the batch's answer. */
const AFTER_SEND_MS = 2_000;

type SendOptions = Parameters<typeof sendHtmlOrPlainText>[4];

/** A queue message's text, rendered here for its chat rather than by the check, so it reads in the chat's zone. */
const textOf = (b: QueueBody, timeZone: string) =>
  b.kind === 'chat-unreachable' ? renderChatNotice(b.about, b.at, timeZone) : renderDelivery(b, timeZone);

/**
 * Sends one queue message, exactly once however often the queue offers it: each part is claimed with a
 * sent marker before `sendMessage` and marked sent after. No send starts that could outlast the budget,
 * and each request is bounded. 429 waits `retry_after` in place when short, else the message is handed
 * back to be held that long; a group that became a supergroup is followed; a chat that takes no more
 * messages is reported (chat-tracker.ts); 5xx and network faults go back to the queue.
 */
export function createDeliverer(deps: DeliverDeps) {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const gap = deps.perChatGapMs ?? 1_000;
  const requestMs = deps.requestTimeoutMs ?? 10_000;
  const timeoutSignal = deps.timeoutSignal ?? ((ms: number) => AbortSignal.timeout(ms));
  const timeZoneOf = deps.timeZoneOf ?? (() => 'UTC');
  const tracker = createChatTracker({ ...deps, now });
  const lastSent = new Map<number, number>();

  const paceWait = (chatId: number) => Math.max(0, (lastSent.get(chatId) ?? Number.NEGATIVE_INFINITY) + gap - now());
  /** Whether waiting `waitMs`, then one whole request, still ends before the deadline. */
  const fits = (budget: Budget, waitMs: number) =>
    budget.deadlineMs === undefined || now() + waitMs + requestMs + AFTER_SEND_MS <= budget.deadlineMs;

  /** sendMessage with its own bound on each request (telegraf passes the signal to its fetch). */
  const bounded: Pick<Telegram, 'sendMessage'> = {
    async sendMessage(chatId, text, extra) {
      const signal = timeoutSignal(requestMs) as AbortSignal & TelegrafSignal;
      try {
        const body = typeof text === 'string' ? { text } : { text: text.text, entities: text.entities };
        return await deps.telegram.callApi('sendMessage', { chat_id: chatId, ...extra, ...body }, { signal });
      } catch (error) {
        if (signal.aborted) throw new Error(`Telegram did not answer within ${requestMs} ms`, { cause: error });
        throw error;
      }
    },
  };

  /** Sends one part; `false` when the chat takes no messages (reported, nothing more to try). */
  async function sendPart(
    chat: ChatAt,
    id: string,
    text: string,
    extra: SendOptions,
    budget: Budget,
  ): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const wait = paceWait(chat.target);
      if (!fits(budget, wait)) throw new RetryLaterError(`no time left to send ${id}`, 'out-of-time');
      if (wait > 0) await sleep(wait);
      lastSent.set(chat.target, now());
      try {
        await sendHtmlOrPlainText(bounded, deps.log, chat.target, text, extra);
        await tracker.took(chat);
        return true;
      } catch (error) {
        const failure = readSendFailure(error);
        if (failure.kind === 'wait') {
          const waitMs = failure.seconds * 1000;
          if (failure.seconds <= (deps.maxInlineWaitS ?? 5) && attempt < 2 && fits(budget, waitMs)) {
            await sleep(waitMs);
            continue;
          }
          throw new RetryLaterError(`429 for ${id}, retry after ${failure.seconds} s`, 'flood-wait', failure.seconds);
        }
        if (failure.kind === 'moved' && attempt < 3) {
          await tracker.moved(chat, failure.toChatId);
          continue;
        }
        if (failure.kind === 'unreachable') {
          await tracker.lost(chat, id, failure.refusal);
          return false;
        }
        if (failure.kind === 'refused') {
          deps.log.error('telegram refused a message; not retrying', {
            deliveryId: id,
            chatId: chat.target,
            ...failure.refusal,
          });
          return true;
        }
        throw new RetryLaterError(
          `telegram did not take ${id}: ${failure.kind === 'retry' ? failure.description : 'moved again'}`,
          'failed',
        );
      }
    }
  }

  return async function deliver(body: QueueBody, budget: Budget = {}): Promise<void> {
    const parts = splitMessage(textOf(body, timeZoneOf(body.chatId)));
    const buttons = body.kind === 'alerts' ? alertButtons(body) : undefined;
    const chat = await tracker.find(body.chatId);
    for (const [i, text] of parts.entries()) {
      const id = parts.length === 1 ? body.id : `${body.id}#${i}`;
      const claim = await deps.store.claimSend(id, now(), LEASE_MS);
      if (claim === 'already-sent') continue;
      if (claim === 'in-flight') throw new RetryLaterError(`${id} is being sent by another worker`, 'in-flight');
      const last = i === parts.length - 1;
      const extra = {
        // Criticals always ring; a delivery with nothing urgent in it may arrive silently.
        disable_notification: body.kind === 'chat-unreachable' ? false : body.silent,
        link_preview_options: { is_disabled: true },
        ...(body.threadId === undefined ? {} : { message_thread_id: body.threadId }),
        ...(last && buttons ? { reply_markup: buttons.reply_markup as InlineKeyboardMarkup } : {}),
      };
      let taken: boolean;
      try {
        taken = await sendPart(chat, id, text, extra, budget);
      } catch (error) {
        await deps.store.releaseSend(id);
        throw error;
      }
      await deps.store.markSent(id, now());
      // A chat that took no part will take none of the rest: they are lost with it, and reported once.
      if (!taken) return;
    }
  };
}
