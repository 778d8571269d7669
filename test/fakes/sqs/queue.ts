import { createHash, randomUUID } from 'node:crypto';

/*
 * One SQS queue as the Amazon SQS Developer Guide describes it, on an injected clock: a message is
 * stored, then in flight for its visibility timeout once received, then visible again unless deleted.
 * FIFO queues keep each message group in order and return nothing of a group while one of its messages
 * is in flight; a redrive policy moves a message received `maxReceiveCount` times to the dead-letter
 * queue instead of returning it again.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
 */

/** A message the queue holds. */
export interface StoredMessage {
  messageId: string;
  body: string;
  /** FIFO queues: the message group. */
  groupId?: string;
  dedupeId?: string;
  /** Send order, which a FIFO queue keeps. */
  seq: number;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** When the last receive happened: the 12-hour limit on visibility counts from it. */
  receivedAt?: number;
  /** The handle of the last receive; an older one is no longer valid. */
  receiptHandle?: string;
  /** Epoch ms from which it may be received again. */
  visibleAt: number;
}

/** A refusal as SQS answers it: its code in the AWS JSON protocol and its HTTP status. */
export class SqsError extends Error {
  constructor(
    /** The shape name (`com.amazonaws.sqs#<code>`). */
    readonly code: string,
    /** The AWS query error code the SDK reads from `x-amzn-query-error`. */
    readonly queryCode: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SqsError';
  }
}

/** The longest visibility timeout, counted from the receive (ChangeMessageVisibility: "The maximum is 12 hours"). */
export const MAX_VISIBILITY_S = 43_200;
/** FIFO deduplication interval. */
const DEDUPE_MS = 5 * 60_000;

export interface QueueOptions {
  url: string;
  arn: string;
  fifo: boolean;
  /** The queue's default visibility timeout. */
  visibilityTimeoutS: number;
  now: () => number;
  /** The redrive policy: where a message goes once received `maxReceiveCount` times. */
  deadLetter?: { queue: FakeQueue; maxReceiveCount: number };
}

export const md5 = (text: string) => createHash('md5').update(text).digest('hex');

export class FakeQueue {
  readonly #stored: StoredMessage[] = [];
  readonly #dedupe = new Map<string, { messageId: string; at: number }>();
  #seq = 0;

  constructor(readonly opts: QueueOptions) {}

  get url(): string {
    return this.opts.url;
  }

  /** Every message stored, in send order. */
  get all(): readonly StoredMessage[] {
    return this.#stored;
  }

  /** Messages not in flight: waiting to be received. */
  get waiting(): StoredMessage[] {
    const now = this.opts.now();
    return this.#stored.filter((m) => m.visibleAt <= now);
  }

  /** SendMessage: a FIFO queue needs a group and a deduplication id, and drops an id seen in the last 5 minutes. */
  send(body: string, groupId?: string, dedupeId?: string): StoredMessage {
    const now = this.opts.now();
    if (this.opts.fifo) {
      if (!groupId) throw invalid('MissingParameter', 'The request must contain the parameter MessageGroupId.');
      if (!dedupeId) {
        throw invalid(
          'InvalidParameterValue',
          'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      }
      const seen = this.#dedupe.get(dedupeId);
      if (seen && now - seen.at < DEDUPE_MS) return this.#find(seen.messageId) ?? this.#phantom(seen.messageId, body);
    }
    const m: StoredMessage = {
      messageId: randomUUID(),
      body,
      ...(groupId ? { groupId } : {}),
      ...(dedupeId ? { dedupeId } : {}),
      seq: ++this.#seq,
      sentAt: now,
      receiveCount: 0,
      visibleAt: now,
    };
    if (this.opts.fifo && dedupeId) this.#dedupe.set(dedupeId, { messageId: m.messageId, at: now });
    this.#stored.push(m);
    return m;
  }

  /**
   * ReceiveMessage: up to `max` visible messages, each in flight for the visibility timeout from now.
   * A FIFO queue skips every group that has a message in flight, and returns a group's messages in order.
   */
  receive(max: number, visibilityTimeoutS = this.opts.visibilityTimeoutS): StoredMessage[] {
    const now = this.opts.now();
    const inFlight = (m: StoredMessage) => m.visibleAt > now;
    const held = new Set(this.#stored.filter((m) => this.opts.fifo && inFlight(m)).map((m) => m.groupId));
    const taken: StoredMessage[] = [];
    for (const m of [...this.#stored]) {
      if (taken.length >= max) break;
      if (inFlight(m) || held.has(m.groupId)) continue;
      const dl = this.opts.deadLetter;
      if (dl && m.receiveCount >= dl.maxReceiveCount) {
        this.#remove(m);
        dl.queue.send(m.body, m.groupId, m.dedupeId ?? m.messageId);
        continue;
      }
      m.receiveCount++;
      m.firstReceivedAt ??= now;
      m.receivedAt = now;
      m.receiptHandle = randomUUID();
      m.visibleAt = now + visibilityTimeoutS * 1000;
      taken.push(m);
    }
    return taken;
  }

  /** ChangeMessageVisibility: only a message in flight, by its latest receipt handle, up to 12 h from its receive. */
  changeVisibility(receiptHandle: string, timeoutS: number): void {
    const m = this.#byHandle(receiptHandle);
    const now = this.opts.now();
    if (!Number.isInteger(timeoutS) || timeoutS < 0 || timeoutS > MAX_VISIBILITY_S) {
      throw invalid('InvalidParameterValue', `Value ${timeoutS} for parameter VisibilityTimeout is invalid.`);
    }
    if (m.visibleAt <= now) {
      throw new SqsError(
        'MessageNotInflight',
        'AWS.SimpleQueueService.MessageNotInflight',
        400,
        'The message is not in flight.',
      );
    }
    if (now + timeoutS * 1000 > (m.receivedAt ?? now) + MAX_VISIBILITY_S * 1000) {
      throw invalid('InvalidParameterValue', 'The total visibility timeout of a message may not exceed 12 hours.');
    }
    m.visibleAt = now + timeoutS * 1000;
  }

  /** DeleteMessage, by the latest receipt handle. */
  delete(receiptHandle: string): StoredMessage {
    const m = this.#byHandle(receiptHandle);
    this.#remove(m);
    return m;
  }

  /** Takes a message out (as a test's manual consumer does), to be put back by `restore`. */
  take(m: StoredMessage): void {
    this.#remove(m);
  }

  /** Puts a taken message back where its send order puts it, visible now. */
  restore(m: StoredMessage): void {
    m.visibleAt = this.opts.now();
    delete m.receiptHandle;
    const at = this.#stored.findIndex((o) => o.seq > m.seq);
    this.#stored.splice(at < 0 ? this.#stored.length : at, 0, m);
  }

  /** The next moment a message in flight becomes visible, if one is in flight. */
  nextVisibleAt(): number | undefined {
    const now = this.opts.now();
    const times = this.#stored.map((m) => m.visibleAt).filter((t) => t > now);
    return times.length ? Math.min(...times) : undefined;
  }

  #byHandle(receiptHandle: string): StoredMessage {
    const m = this.#stored.find((o) => o.receiptHandle === receiptHandle);
    if (!m) {
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        'ReceiptHandleIsInvalid',
        404,
        `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`,
      );
    }
    return m;
  }

  #find(messageId: string): StoredMessage | undefined {
    return this.#stored.find((m) => m.messageId === messageId);
  }

  /** A deduplicated send of a message already gone: SQS answers with the first send's id. */
  #phantom(messageId: string, body: string): StoredMessage {
    return { messageId, body, seq: 0, sentAt: 0, receiveCount: 0, visibleAt: 0 };
  }

  #remove(m: StoredMessage): void {
    const i = this.#stored.indexOf(m);
    if (i >= 0) this.#stored.splice(i, 1);
  }
}

function invalid(queryCode: string, message: string): SqsError {
  return new SqsError(queryCode, queryCode, 400, message);
}
