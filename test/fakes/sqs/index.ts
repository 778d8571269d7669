import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent } from 'aws-lambda';

/** A message the stand-in holds, as SQS would hand it to a Lambda. */
export interface FakeSqsMessage {
  messageId: string;
  body: string;
  queueUrl: string;
  receiveCount: number;
  /** FIFO queues: the message group (a chat). */
  groupId?: string;
}

export interface FakeSqs {
  /** The endpoint for `new SQSClient({ endpoint })`. */
  endpoint: string;
  queueUrl: string;
  /** Messages sent and not yet taken. */
  messages: FakeSqsMessage[];
  /** Takes up to `max` messages as the event an SQS event source would deliver. */
  takeEvent(max?: number): SQSEvent;
  /**
   * Puts messages back, as SQS does after the visibility timeout for records a batch reported failed;
   * a FIFO queue offers them again before anything later in their group.
   */
  requeue(messageIds: readonly string[]): void;
  /** The next `count` entries sent are refused (SendMessageBatch's `Failed`). */
  refuseNext(count: number): void;
  close(): Promise<void>;
}

/**
 * A loopback stand-in for the two SQS actions the check uses (SendMessage, SendMessageBatch) in the
 * AWS JSON 1.0 protocol the SDK v3 speaks, with the MD5 of each body the SDK verifies.
 */
export async function startFakeSqs(opts: { fifo?: boolean } = {}): Promise<FakeSqs> {
  const messages: FakeSqsMessage[] = [];
  const deduplicated = new Set<string>();
  const taken = new Map<string, FakeSqsMessage>();
  let refuse = 0;
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const queueUrl = `${endpoint}/000000000000/liqwatch-alerts${opts.fifo ? '.fifo' : ''}`;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const target = String(req.headers['x-amz-target'] ?? '');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(body));
    };
    const accept = (body: string, groupId?: string, dedupeId?: string) => {
      if (opts.fifo && !groupId) throw new Error('MessageGroupId is required on a FIFO queue');
      const m: FakeSqsMessage = {
        messageId: randomUUID(),
        body,
        queueUrl: String(input.QueueUrl),
        receiveCount: 0,
        ...(groupId ? { groupId } : {}),
      };
      // FIFO: a deduplication id seen before is accepted and dropped, as SQS does within 5 minutes.
      if (!(opts.fifo && dedupeId && deduplicated.has(dedupeId))) messages.push(m);
      if (dedupeId) deduplicated.add(dedupeId);
      return { MessageId: m.messageId, MD5OfMessageBody: createHash('md5').update(body).digest('hex') };
    };
    type Entry = { Id: string; MessageBody: string; MessageGroupId?: string; MessageDeduplicationId?: string };
    const single = input as unknown as Entry;
    if (target === 'AmazonSQS.SendMessage') {
      return reply(200, accept(String(single.MessageBody), single.MessageGroupId, single.MessageDeduplicationId));
    }
    if (target === 'AmazonSQS.SendMessageBatch') {
      const entries = (input.Entries ?? []) as Entry[];
      const Successful: unknown[] = [];
      const Failed: unknown[] = [];
      for (const e of entries) {
        if (refuse > 0) {
          refuse--;
          Failed.push({ Id: e.Id, SenderFault: false, Code: 'InternalError', Message: 'refused on purpose' });
        } else {
          Successful.push({ Id: e.Id, ...accept(e.MessageBody, e.MessageGroupId, e.MessageDeduplicationId) });
        }
      }
      return reply(200, { Successful, Failed });
    }
    reply(400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `${target} is not supported here` });
  }

  return {
    endpoint,
    queueUrl,
    messages,
    takeEvent(max = 10) {
      const batch = messages.splice(0, max);
      for (const m of batch) {
        m.receiveCount++;
        taken.set(m.messageId, m);
      }
      return {
        Records: batch.map((m) => ({
          messageId: m.messageId,
          receiptHandle: m.messageId,
          body: m.body,
          attributes: {
            ApproximateReceiveCount: String(m.receiveCount),
            SentTimestamp: String(Date.now()),
            SenderId: 'local',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
            ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
          },
          messageAttributes: {},
          md5OfBody: createHash('md5').update(m.body).digest('hex'),
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:local:000000000000:liqwatch-alerts',
          awsRegion: 'local',
        })),
      };
    },
    requeue(ids) {
      const back = ids.flatMap((id) => taken.get(id) ?? []);
      if (opts.fifo) messages.unshift(...back);
      else messages.push(...back);
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
