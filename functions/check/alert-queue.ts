import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Delivery } from '#contracts/queue-message.js';

/** Where the check hands its deliveries: the SQS alerts queue in AWS, the terminal or the bot locally. */
export interface AlertQueue {
  send(deliveries: readonly Delivery[]): Promise<void>;
}

export class QueueSendError extends Error {
  constructor(readonly failedIds: string[]) {
    super(`the alerts queue refused ${failedIds.length} message(s)`);
    this.name = 'QueueSendError';
  }
}

/**
 * The alerts queue on SQS: batches of ten; a message SQS refuses is sent again once, then reported.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 */
export class SqsAlertQueue implements AlertQueue {
  private readonly fifo: boolean;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {
    this.fifo = queueUrl.endsWith('.fifo');
  }

  async send(deliveries: readonly Delivery[]): Promise<void> {
    const failed: string[] = [];
    for (let i = 0; i < deliveries.length; i += 10) {
      let batch = deliveries.slice(i, i + 10);
      for (let attempt = 0; attempt < 2 && batch.length > 0; attempt++) {
        const out = await this.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: batch.map((d, n) => ({
              Id: String(n),
              MessageBody: JSON.stringify(d),
              // A FIFO queue keeps each chat's messages in order and drops a re-sent delivery id.
              ...(this.fifo ? { MessageGroupId: String(d.chatId), MessageDeduplicationId: d.id } : {}),
            })),
          }),
        );
        const refused = new Set((out.Failed ?? []).map((f) => Number(f.Id)));
        batch = batch.filter((_, n) => refused.has(n));
      }
      failed.push(...batch.map((d) => d.id));
    }
    if (failed.length > 0) throw new QueueSendError(failed);
  }
}
