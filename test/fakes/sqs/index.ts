import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent } from 'aws-lambda';
import { FakeQueue, md5, SqsError, type StoredMessage } from './queue.js';
import { sqsRecord } from './record.js';

export { EventSourceMapping, type Invocation, type PollOptions } from './event-source.js';
export { MAX_VISIBILITY_S, type StoredMessage } from './queue.js';

/** A message the stand-in holds, as SQS would hand it to a Lambda. */
export interface FakeSqsMessage {
  messageId: string;
  body: string;
  queueUrl: string;
  receiveCount: number;
  /** FIFO queues: the message group (a chat). */
  groupId?: string;
}

export interface FakeSqsOptions {
  fifo?: boolean;
  /** The clock visibility timeouts run on (default `Date.now`). */
  now?: () => number;
  /** @default 180 s, six times the bot's timeout, as the stack sets it */
  visibilityTimeoutS?: number;
  /** A dead-letter queue and the redrive policy's `maxReceiveCount`. */
  deadLetter?: { maxReceiveCount: number };
}

export interface FakeSqs {
  /** The endpoint for `new SQSClient({ endpoint })`. */
  endpoint: string;
  queueUrl: string;
  /** The dead-letter queue's URL, when there is one. */
  deadLetterQueueUrl: string | undefined;
  /** Messages in the queue and not in flight. */
  readonly messages: FakeSqsMessage[];
  /** Every message on the dead-letter queue. */
  readonly deadLetters: FakeSqsMessage[];
  /** The queue itself: its messages, in flight or not, and what SQS does to them. */
  queue: FakeQueue;
  /** Receives up to `max` messages as the event an SQS event source would deliver; they stay in flight. */
  receiveEvent(max?: number): SQSEvent;
  /** Takes up to `max` messages out of the queue as an event, for a test that consumes by hand. */
  takeEvent(max?: number): SQSEvent;
  /**
   * Puts taken messages back, as SQS does after the visibility timeout for records a batch reported
   * failed; a FIFO queue offers them again before anything later in their group.
   */
  requeue(messageIds: readonly string[]): void;
  /** The next `count` entries sent with SendMessageBatch are refused (its `Failed`). */
  refuseNext(count: number): void;
  close(): Promise<void>;
}

type Input = Record<string, unknown>;
type Entry = { Id: string; MessageBody: string; MessageGroupId?: string; MessageDeduplicationId?: string };

/**
 * A loopback stand-in for SQS in the AWS JSON 1.0 protocol the SDK v3 speaks
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/), for the actions liqwatch
 * calls: SendMessage, SendMessageBatch (with the MD5 of each body the SDK verifies) and
 * ChangeMessageVisibility, plus DeleteMessage; errors come as `__type` with `x-amzn-query-error`.
 * Queues follow `queue.ts`; an optional dead-letter queue receives what the redrive policy moves.
 */
export async function startFakeSqs(opts: FakeSqsOptions = {}): Promise<FakeSqs> {
  const now = opts.now ?? Date.now;
  const fifo = opts.fifo ?? false;
  const taken = new Map<string, StoredMessage>();
  let refuse = 0;
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const suffix = fifo ? '.fifo' : '';
  const queueOf = (name: string, deadLetter?: FakeQueue) =>
    new FakeQueue({
      url: `${endpoint}/000000000000/${name}${suffix}`,
      arn: `arn:aws:sqs:local:000000000000:${name}${suffix}`,
      fifo,
      visibilityTimeoutS: opts.visibilityTimeoutS ?? 180,
      now,
      ...(deadLetter && opts.deadLetter ? { deadLetter: { queue: deadLetter, ...opts.deadLetter } } : {}),
    });
  const dlq = opts.deadLetter ? queueOf('liqwatch-dead-letters') : undefined;
  const queue = queueOf('liqwatch-alerts', dlq);
  const queues = new Map([queue, ...(dlq ? [dlq] : [])].map((q) => [q.url, q]));

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const reply = (status: number, body: unknown, queryError?: string) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': randomUUID(),
        ...(queryError ? { 'x-amzn-query-error': queryError } : {}),
      });
      res.end(JSON.stringify(body));
    };
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Input;
      const action = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
      reply(200, act(action, input));
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      reply(
        error.status,
        { __type: `com.amazonaws.sqs#${error.code}`, message: error.message },
        `${error.queryCode};Sender`,
      );
    }
  }

  function target(input: Input): FakeQueue {
    const q = queues.get(String(input.QueueUrl));
    if (!q) {
      throw new SqsError(
        'QueueDoesNotExist',
        'AWS.SimpleQueueService.NonExistentQueue',
        400,
        'The specified queue does not exist.',
      );
    }
    return q;
  }

  const sent = (m: StoredMessage) => ({ MessageId: m.messageId, MD5OfMessageBody: md5(m.body) });

  function act(action: string, input: Input): unknown {
    const e = input as unknown as Entry;
    switch (action) {
      case 'SendMessage':
        return sent(target(input).send(String(e.MessageBody), e.MessageGroupId, e.MessageDeduplicationId));
      case 'SendMessageBatch': {
        const q = target(input);
        const Successful: unknown[] = [];
        const Failed: unknown[] = [];
        for (const entry of (input.Entries ?? []) as Entry[]) {
          if (refuse > 0) {
            refuse--;
            Failed.push({ Id: entry.Id, SenderFault: false, Code: 'InternalError', Message: 'refused on purpose' });
          } else {
            Successful.push({
              Id: entry.Id,
              ...sent(q.send(entry.MessageBody, entry.MessageGroupId, entry.MessageDeduplicationId)),
            });
          }
        }
        return { Successful, Failed };
      }
      case 'ChangeMessageVisibility':
        target(input).changeVisibility(String(input.ReceiptHandle), Number(input.VisibilityTimeout));
        return {};
      case 'DeleteMessage':
        target(input).delete(String(input.ReceiptHandle));
        return {};
      default:
        throw new SqsError('InvalidAction', 'InvalidAction', 400, `${action} is not supported here`);
    }
  }

  const view = (q: FakeQueue, m: StoredMessage): FakeSqsMessage => ({
    messageId: m.messageId,
    body: m.body,
    queueUrl: q.url,
    receiveCount: m.receiveCount,
    ...(m.groupId ? { groupId: m.groupId } : {}),
  });
  const toEvent = (batch: StoredMessage[]): SQSEvent => ({
    Records: batch.map((m) => sqsRecord(m, queue.opts.arn)),
  });

  return {
    endpoint,
    queueUrl: queue.url,
    deadLetterQueueUrl: dlq?.url,
    get messages() {
      return queue.waiting.map((m) => view(queue, m));
    },
    get deadLetters() {
      return dlq ? dlq.all.map((m) => view(dlq, m)) : [];
    },
    queue,
    receiveEvent: (max = 10) => toEvent(queue.receive(max)),
    takeEvent(max = 10) {
      const batch = queue.receive(max);
      for (const m of batch) {
        queue.take(m);
        taken.set(m.messageId, m);
      }
      return toEvent(batch);
    },
    requeue(ids) {
      for (const id of ids) {
        const m = taken.get(id);
        if (!m) continue;
        taken.delete(id);
        queue.restore(m);
      }
    },
    refuseNext(count) {
      refuse = count;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
