import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context as LambdaContext, SQSEvent } from 'aws-lambda';
import type { Context, Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { z } from 'zod';
import type { Log } from '#shared/log.js';
import { ParseError, parseJsonWith } from '#shared/parse.js';
import type { OnceClaims } from '#store/state-store.js';
import { createQueueHandler, type QueueHandlerDeps } from './queue-handler.js';

/** Telegram's header carrying the webhook's secret token (https://core.telegram.org/bots/api#setwebhook). */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** The part of a Function URL request the webhook reads. */
export interface WebhookRequest {
  headers?: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string } };
}

export interface WebhookResponse {
  statusCode: number;
  body?: string;
}

// The webhook reads `update_id` itself; telegraf reads the rest of the update.
const UpdateSchema = z.custom<Update>((v) => z.looseObject({ update_id: z.number().int() }).safeParse(v).success, {
  error: 'expected an update with a numeric update_id',
});

/** Compares the secret in constant time; hashing first makes the lengths equal. */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface BotHandlerDeps extends QueueHandlerDeps {
  bot: Telegraf<Context>;
  store: OnceClaims;
  webhookSecret: string;
  now: () => number;
  log: Log;
}

/**
 * The webhook: the secret token is checked before the body is read; a redelivered update (same
 * `update_id`) is handled once; the answer is 200 whenever the update was taken, so Telegram does not
 * send it again.
 */
export function createWebhookHandler(deps: BotHandlerDeps) {
  return async (req: WebhookRequest): Promise<WebhookResponse> => {
    if (req.requestContext?.http?.method && req.requestContext.http.method !== 'POST') return { statusCode: 405 };
    const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    if (!secretMatches(headers[SECRET_HEADER], deps.webhookSecret)) return { statusCode: 401 };
    let update: Update;
    try {
      const text = req.isBase64Encoded ? Buffer.from(req.body ?? '', 'base64') : (req.body ?? '');
      update = parseJsonWith(UpdateSchema, text, 'webhook body');
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      return { statusCode: 400, body: 'not a Telegram update' };
    }
    if (!(await deps.store.claimUpdate(update.update_id, deps.now()))) {
      deps.log.info('update seen before; ignored', { updateId: update.update_id });
      return { statusCode: 200 };
    }
    await deps.bot.handleUpdate(update);
    return { statusCode: 200 };
  };
}

/** One Lambda, two triggers: SQS records, or a Function URL request. */
export function createBotHandler(deps: BotHandlerDeps) {
  const webhook = createWebhookHandler(deps);
  const queue = createQueueHandler(deps);
  return async (event: SQSEvent | WebhookRequest, context?: Pick<LambdaContext, 'getRemainingTimeInMillis'>) =>
    'Records' in event ? queue(event, context) : webhook(event);
}
