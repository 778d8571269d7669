import { Markup, type Telegram, TelegramError } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { encodeCallback } from '#contracts/callback-data.js';
import type { Delivery } from '#contracts/queue-message.js';
import { splitMessage } from '#core/format/html.js';
import { alertRef, renderDelivery } from '#core/format/messages.js';
import { messageOf } from '#shared/errors.js';
import type { Log } from '#shared/log.js';
import type { SendMarkers } from '#store/state-store.js';

/** A send that may succeed later: the queue should offer it again. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

export interface DeliverDeps {
  telegram: Pick<Telegram, 'sendMessage'>;
  store: SendMarkers;
  log: Log;
  /** The clock in epoch ms (default `Date.now`): pacing and send leases are measured on it. */
  now?: () => number;
  /** Waits `ms` on that clock (default a real timer); a test passes one that advances its own time. */
  sleep?: (ms: number) => Promise<void>;
  /** Telegram asks for about one message a second per chat. */
  perChatGapMs?: number;
  /** The longest `retry_after` waited for in place; a longer one fails the message back to the queue. */
  maxInlineWaitS?: number;
}

/** A claim that outlives this: a sender that died mid-send frees it after a minute. */
const LEASE_MS = 60_000;
const MAX_BUTTON_ROWS = 4;

/** Mute buttons under the firing alerts of a message, at most a few rows. */
export function alertButtons(d: Delivery): ReturnType<typeof Markup.inlineKeyboard> | undefined {
  if (d.kind !== 'alerts') return undefined;
  const firing = d.notifications.filter((n) => n.alert.status === 'firing' && n.alert.rule !== 'new-hedge-leg');
  if (firing.length === 0) return undefined;
  const rows = firing.slice(0, MAX_BUTTON_ROWS).map((n) => {
    const ref = alertRef(n.alert);
    const label = firing.length === 1 ? '' : ` ${n.alert.symbol ?? n.alert.source ?? n.alert.account}`;
    return [
      Markup.button.callback(`🔇${label} 1h`, encodeCallback({ kind: 'mute', muteFor: '1h', ref })),
      Markup.button.callback(`🔇${label} until resolved`, encodeCallback({ kind: 'mute', muteFor: 'res', ref })),
    ];
  });
  return Markup.inlineKeyboard(rows);
}

/**
 * Sends one delivery, exactly once however often the queue offers it: each part of the message is
 * claimed with a sent marker before `sendMessage` and marked sent after. 429 waits `retry_after` when it
 * is short, else goes back to the queue; 5xx and network faults go back to the queue; 403 (bot blocked)
 * and 400 are logged and dropped, since repeating them cannot help.
 */
export function createDeliverer(deps: DeliverDeps) {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const gap = deps.perChatGapMs ?? 1_000;
  const lastSent = new Map<number, number>();

  async function pace(chatId: number): Promise<void> {
    const wait = (lastSent.get(chatId) ?? 0) + gap - now();
    if (wait > 0) await sleep(wait);
    lastSent.set(chatId, now());
  }

  return async function deliver(d: Delivery): Promise<void> {
    const parts = splitMessage(renderDelivery(d));
    const buttons = alertButtons(d);
    for (const [i, text] of parts.entries()) {
      const id = parts.length === 1 ? d.id : `${d.id}#${i}`;
      const claim = await deps.store.claimSend(id, now(), LEASE_MS);
      if (claim === 'already-sent') continue;
      if (claim === 'in-flight') throw new RetryLaterError(`delivery ${id} is being sent by another worker`);
      const last = i === parts.length - 1;
      const extra = {
        parse_mode: 'HTML' as const,
        // Criticals always ring; a delivery with nothing urgent in it may arrive silently.
        disable_notification: d.silent,
        link_preview_options: { is_disabled: true },
        ...(d.threadId === undefined ? {} : { message_thread_id: d.threadId }),
        ...(last && buttons ? { reply_markup: buttons.reply_markup as InlineKeyboardMarkup } : {}),
      };
      for (let attempt = 0; ; attempt++) {
        await pace(d.chatId);
        try {
          await deps.telegram.sendMessage(d.chatId, text, extra);
          await deps.store.markSent(id, now());
          break;
        } catch (error) {
          const outcome = classify(error);
          if (outcome.kind === 'wait' && outcome.seconds <= (deps.maxInlineWaitS ?? 5) && attempt < 2) {
            await sleep(outcome.seconds * 1000);
            continue;
          }
          if (outcome.kind === 'drop') {
            deps.log.error('telegram refused a message; not retrying', {
              deliveryId: d.id,
              chatId: d.chatId,
              code: outcome.code,
              description: outcome.description,
            });
            await deps.store.markSent(id, now());
            break;
          }
          await deps.store.releaseSend(id);
          throw new RetryLaterError(
            `telegram did not take delivery ${d.id}: ${outcome.kind === 'wait' ? `429, retry after ${outcome.seconds} s` : outcome.description}`,
            outcome.kind === 'wait' ? outcome.seconds : undefined,
          );
        }
      }
    }
  };
}

type Outcome =
  | { kind: 'wait'; seconds: number }
  | { kind: 'drop'; code: number; description: string }
  | { kind: 'retry'; description: string };

function classify(error: unknown): Outcome {
  if (error instanceof TelegramError) {
    const code = error.response.error_code;
    if (code === 429) return { kind: 'wait', seconds: error.parameters?.retry_after ?? 1 };
    // 401 is our token, not the message: keep it for the queue (and its dead-letter alarm).
    if (code >= 400 && code < 500 && code !== 401) return { kind: 'drop', code, description: error.description };
    return { kind: 'retry', description: `${code} ${error.description}` };
  }
  return { kind: 'retry', description: messageOf(error) };
}
