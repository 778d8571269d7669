import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Refusal, UnreachableChatNews } from '#core/format/reachability.js';
import { type Delivery, DeliverySchema } from './queue-message.js';

/*
 * What the bot puts on the alerts queue for itself: a notice to each other configured chat that a chat
 * no longer receives alerts. It travels like an alert (the chat's FIFO group, its id as deduplication
 * id, a sent marker), so a flood wait or an outage delays it and never loses it. And the name of the
 * log line that reports each alert lost that way, which the stack's metric filter counts.
 */

/** The `event` key of the log line for each alert a chat did not take (infra: the metric filter). */
export const UNDELIVERABLE_EVENT = 'alert-undeliverable';

/** Telegram's descriptions are short; a longer one is cut rather than carried whole. */
const DESCRIPTION_LIMIT = 200;

const RefusalSchema: z.ZodType<Refusal> = z.object({
  code: z.number().int(),
  description: z.string().max(DESCRIPTION_LIMIT),
});

export const ChatNoticeSchema = z.object({
  id: z.string().min(8),
  kind: z.literal('chat-unreachable'),
  chatId: z.number(),
  threadId: z.number().optional(),
  at: z.number(),
  about: z.object({ chatId: z.number(), since: z.number(), refusal: RefusalSchema }),
});
export type ChatNotice = z.infer<typeof ChatNoticeSchema>;

/** Any body on the alerts queue: the check's deliveries and the bot's own notices. */
export const QueueBodySchema = z.discriminatedUnion('kind', [...DeliverySchema.options, ChatNoticeSchema]);
export type QueueBody = Delivery | ChatNotice;

/** A refusal as kept: Telegram's description, cut to a sane length. */
export function keptRefusal(code: number, description: string): Refusal {
  return { code, description: description.slice(0, DESCRIPTION_LIMIT) };
}

/**
 * The notices for one episode of a chat not taking messages: one to each other chat. The id names the
 * chat, the episode (when it began) and the recipient, so a notice queued twice is sent once.
 */
export function toChatNotices(
  news: UnreachableChatNews,
  recipients: readonly { id: number; threadId?: number | undefined }[],
  nowMs: number,
): ChatNotice[] {
  return recipients
    .filter((r) => r.id !== news.chatId)
    .map((r) => ({
      id: createHash('sha256')
        .update(['chat-unreachable', news.chatId, news.since, r.id].join('\n'))
        .digest('hex')
        .slice(0, 32),
      kind: 'chat-unreachable' as const,
      chatId: r.id,
      ...(r.threadId === undefined ? {} : { threadId: r.threadId }),
      at: nowMs,
      about: {
        chatId: news.chatId,
        since: news.since,
        refusal: keptRefusal(news.refusal.code, news.refusal.description),
      },
    }));
}
