import type { Context as LambdaContext, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type QueueBody, QueueBodySchema } from '#contracts/chat-notice.js';
import { messageOf } from '#shared/errors.js';
import type { Log } from '#shared/log.js';
import { ParseError, parseJsonWith } from '#shared/parse.js';
import type { ReceiveLedger } from '#store/receive-ledger.js';
import { type Budget, RetryLaterError } from './deliver.js';

/** A message as received, with what the dead-letter queue needs of it. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  groupId: string | undefined;
}

/** What the handler does to the queue besides answering the batch: SQS's own actions (handlers/bot-queue.ts). */
export interface QueueActions {
  /** Keeps a received message in flight `seconds` more (SQS ChangeMessageVisibility), 0 to offer it again now. */
  hold(receiptHandle: string, seconds: number): Promise<void>;
  /** Moves a message to the dead-letter queue. */
  deadLetter(message: QueuedMessage): Promise<void>;
}

export interface QueueHandlerDeps {
  deliver: (body: QueueBody, budget?: Budget) => Promise<void>;
  log: Log;
  now: () => number;
  /** Without it (a laptop's local queue) a message handed back is simply offered again with the next batch. */
  queue?: QueueActions | undefined;
  ledger?: ReceiveLedger | undefined;
}

/** Real failures before a message goes to the dead-letter queue (the queue's own count is only a backstop). */
export const MAX_FAILURES = 5;
/** SQS keeps a message in flight at most 12 hours from its receive; a little is kept back for the receive itself. */
const MAX_HOLD_S = 43_200 - 60;
/** No record is begun with less time than this left: what is left then is for answering the batch. */
const LAST_RECORD_MS = 3_000;

/** What became of a record: done (deleted), failed (a real failure), or excused (not an attempt, not counted). */
type Outcome =
  | { kind: 'done' }
  | { kind: 'failed' }
  | { kind: 'excused'; why: 'flood-wait' | 'out-of-time' | 'in-flight' | 'group-held'; holdS?: number };

const DONE: Outcome = { kind: 'done' };
const FAILED: Outcome = { kind: 'failed' };
/** Handed back for the next invocation, visible again at once rather than after the visibility timeout. */
const OUT_OF_TIME: Outcome = { kind: 'excused', why: 'out-of-time', holdS: 0 };
/**
 * Behind an earlier message of its chat: visible again at once, FIFO keeps it back while that one is in
 * flight, so it follows the moment that one is offered again (after a flood wait, exactly that wait).
 */
const GROUP_HELD: Outcome = { kind: 'excused', why: 'group-held', holdS: 0 };

/**
 * The alerts queue (FIFO, one message group per chat): one record, one delivery, in order. Only records
 * not done come back (partial batch response), and when a chat's message is not done its later ones in
 * the batch wait too, so a "resolved" never overtakes its alert. Telegram's flood wait holds the message
 * exactly as long as asked (its visibility), and its chat's group with it: FIFO hands out nothing later
 * of a group while one of its messages is in flight. That wait, a held group, another worker sending and
 * the invocation running out of time are excused receives; only real failures count, and the fifth
 * moves the message to the dead-letter queue. No record is begun too near the invocation's end.
 */
export function createQueueHandler(deps: QueueHandlerDeps) {
  async function attempt(r: SQSRecord, budget: Budget): Promise<Outcome> {
    let body: QueueBody;
    try {
      body = parseJsonWith(QueueBodySchema, r.body, 'queue message');
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      deps.log.error('unreadable queue message', { error: error.message });
      // It never will be readable: no use offering it again.
      return deadLetter(r, MAX_FAILURES);
    }
    try {
      await deps.deliver(body, budget);
      return DONE;
    } catch (error) {
      if (!(error instanceof RetryLaterError) || error.reason === 'failed') {
        deps.log.warn('delivery failed; the queue will offer it again', {
          deliveryId: body.id,
          error: messageOf(error),
        });
        return failed(r);
      }
      if (error.reason === 'out-of-time') return OUT_OF_TIME;
      return {
        kind: 'excused',
        why: error.reason,
        ...(error.retryAfterS === undefined ? {} : { holdS: error.retryAfterS }),
      };
    }
  }

  /** A real failure: counted as SQS counts receives, less the excused ones. */
  async function failed(r: SQSRecord): Promise<Outcome> {
    const excused = deps.ledger ? await deps.ledger.excused(r.messageId) : 0;
    return deadLetter(r, receiveCount(r) - excused);
  }

  async function deadLetter(r: SQSRecord, failures: number): Promise<Outcome> {
    if (!deps.queue || failures < MAX_FAILURES) return FAILED;
    await deps.queue.deadLetter({ messageId: r.messageId, body: r.body, groupId: r.attributes?.MessageGroupId });
    deps.log.error('message moved to the dead-letter queue', { failures });
    return DONE;
  }

  /** Holds an excused record as asked and notes its receive as no attempt; neither may fail the batch. */
  async function excuse(r: SQSRecord, holdS: number | undefined, elapsedMs: number): Promise<void> {
    const hold =
      holdS === undefined ? undefined : Math.max(0, Math.min(holdS, MAX_HOLD_S - Math.ceil(elapsedMs / 1000)));
    await Promise.all([
      hold === undefined ? undefined : deps.queue?.hold(r.receiptHandle, hold),
      deps.ledger?.excuse(r.messageId, receiveCount(r), deps.now()),
    ]).catch((error: unknown) => deps.log.warn('could not hold back or excuse a message', { error: messageOf(error) }));
  }

  const attemptOrFail = (r: SQSRecord, budget: Budget) =>
    attempt(r, budget).catch((error: unknown) => {
      deps.log.error('queue message failed', { error: messageOf(error) });
      return FAILED;
    });

  return async (
    event: SQSEvent,
    context?: Pick<LambdaContext, 'getRemainingTimeInMillis'>,
  ): Promise<SQSBatchResponse> => {
    const start = deps.now();
    const budget: Budget = context ? { deadlineMs: start + context.getRemainingTimeInMillis() } : {};
    const failures: string[] = [];
    const heldGroups = new Set<string>();
    let outOfTime = false;
    let handedBack = 0;
    for (const r of event.Records) {
      const group = r.attributes?.MessageGroupId;
      outOfTime ||= budget.deadlineMs !== undefined && deps.now() + LAST_RECORD_MS > budget.deadlineMs;
      // Every line logged while a record is handled carries its message id.
      deps.log.appendKeys?.({ sqsMessageId: r.messageId });
      try {
        const outcome = outOfTime
          ? OUT_OF_TIME
          : group !== undefined && heldGroups.has(group)
            ? GROUP_HELD
            : await attemptOrFail(r, budget);
        if (outcome.kind === 'done') continue;
        failures.push(r.messageId);
        if (group !== undefined) heldGroups.add(group);
        if (outcome.kind === 'failed') continue;
        // Once one record found too little time, the rest of the batch goes back unbegun.
        if (outcome.why === 'out-of-time') {
          outOfTime = true;
          handedBack++;
        }
        await excuse(r, outcome.holdS, deps.now() - start);
      } finally {
        deps.log.removeKeys?.(['sqsMessageId']);
      }
    }
    if (handedBack > 0)
      deps.log.warn(`no time left in this invocation: ${handedBack} message(s) handed back to the queue`);
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/** SQS's count of receives of a record, this one included. */
function receiveCount(r: SQSRecord): number {
  const n = Number(r.attributes?.ApproximateReceiveCount);
  return Number.isInteger(n) && n > 0 ? n : 1;
}
