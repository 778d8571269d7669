import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  type Alert,
  alertKey,
  CLOSURES,
  type Finding,
  NOTIFICATION_KINDS,
  type Notification,
  RULE_IDS,
  SEVERITIES,
} from '#core/alert.js';
import type { ChatNotifications } from '#core/alerts.js';
import type { Digest } from '#core/digest.js';
import { POSITION_SIDES, SOURCE_IDS } from '#core/position.js';

/*
 * The alerts queue's message, a contract between the check (which writes it) and the bot (which reads
 * it): one body per chat and cycle. Its `id` is deterministic, so a redelivered or re-enqueued body is
 * recognised by the bot's sent marker. The state table reads `FindingSchema` too.
 */

const findingShape = {
  rule: z.enum(RULE_IDS),
  severity: z.enum(SEVERITIES),
  account: z.string(),
  source: z.enum(SOURCE_IDS).nullable(),
  symbol: z.string().nullable(),
  positionSide: z.enum(POSITION_SIDES).nullable(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  message: z.string(),
};

export const FindingSchema: z.ZodType<Finding> = z.object(findingShape);
const AlertSchema: z.ZodType<Alert> = z.object({ ...findingShape, status: z.enum(['firing', 'resolved']) });

const NotificationSchema: z.ZodType<Notification> = z.object({
  kind: z.enum(NOTIFICATION_KINDS),
  alert: AlertSchema,
  since: z.number(),
  ack: z.object({ by: z.string(), at: z.number() }).optional(),
  closure: z.enum(CLOSURES).optional(),
});

const SourceSummarySchema = z.object({
  source: z.enum(SOURCE_IDS),
  failures: z.number(),
  lastOkAt: z.number().nullable(),
  openPositions: z.number(),
});

const RiskLineSchema = z.object({
  tier: z.enum([...SEVERITIES, 'ok', 'unread', 'empty']),
  text: z.string(),
  readAt: z.number().optional(),
});

export const DigestSchema: z.ZodType<Digest> = z.object({
  accounts: z.array(
    z.object({
      account: z.string(),
      lastCycleAt: z.number().nullable(),
      sources: z.array(SourceSummarySchema),
      firing: z.array(
        z.object({
          ...findingShape,
          rung: z.number().nullable().optional(),
          ack: z.object({ by: z.string(), at: z.number() }).nullable().optional(),
        }),
      ),
      risks: z.array(RiskLineSchema).optional(),
    }),
  ),
});

const Common = {
  id: z.string().min(8),
  chatId: z.number(),
  threadId: z.number().optional(),
  at: z.number(),
};

export const DeliverySchema = z.discriminatedUnion('kind', [
  z.object({
    ...Common,
    kind: z.literal('alerts'),
    silent: z.boolean(),
    notifications: z.array(NotificationSchema).min(1),
  }),
  z.object({ ...Common, kind: z.literal('digest'), silent: z.boolean(), digest: DigestSchema }),
]);
export type Delivery = z.infer<typeof DeliverySchema>;
export type AlertDelivery = Extract<Delivery, { kind: 'alerts' }>;

function idOf(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}

/**
 * One chat's notifications of one cycle as a queue message. The id names the news and the state it came
 * from (`basis`, that state's cycle time), not the cycle that sends it: news sent again after a failed
 * enqueue put the state back keeps its id, so the bot's sent marker sends it once.
 */
export function toAlertDelivery(account: string, nowMs: number, basis: number, c: ChatNotifications): AlertDelivery {
  const parts = c.notifications.map((n: Notification) => [n.kind, n.alert.severity, alertKey(n.alert)].join('|'));
  return {
    id: idOf(['alerts', String(c.chatId), account, String(basis), ...parts]),
    kind: 'alerts',
    chatId: c.chatId,
    ...(c.threadId === undefined ? {} : { threadId: c.threadId }),
    at: nowMs,
    silent: c.silent,
    notifications: c.notifications,
  };
}

/** The daily digest for one chat; one id per chat and slot. */
export function toDigestDelivery(
  chat: { id: number; threadId?: number | undefined },
  slot: string,
  nowMs: number,
  digest: Digest,
): Delivery {
  return {
    id: idOf(['digest', String(chat.id), slot]),
    kind: 'digest',
    chatId: chat.id,
    ...(chat.threadId === undefined ? {} : { threadId: chat.threadId }),
    at: nowMs,
    silent: true,
    digest,
  };
}
