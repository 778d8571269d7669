import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ChatNotice } from '#contracts/chat-notice.js';
import type { NoticeQueue } from '#telegram/chat-tracker.js';
import type { QueueActions, QueuedMessage } from '#telegram/queue-handler.js';

/**
 * What the bot does to the alerts queue besides reading it, on SQS: hold a message in flight
 * (ChangeMessageVisibility), move one to the dead-letter queue (SendMessage there, with its group and
 * its message id as deduplication id, so two invocations moving it leave one copy), and queue its own
 * notices in each recipient's group.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
 */
export class SqsBotQueue implements QueueActions, NoticeQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly deadLetterUrl: string,
  ) {}

  async hold(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }

  async deadLetter(message: QueuedMessage): Promise<void> {
    await this.#send(this.deadLetterUrl, message.body, message.groupId, message.messageId);
  }

  async enqueue(notices: readonly ChatNotice[]): Promise<void> {
    for (const n of notices) await this.#send(this.queueUrl, JSON.stringify(n), String(n.chatId), n.id);
  }

  async #send(queueUrl: string, body: string, groupId: string | undefined, dedupeId: string): Promise<void> {
    const fifo = queueUrl.endsWith('.fifo');
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        ...(fifo ? { MessageGroupId: groupId ?? 'none', MessageDeduplicationId: dedupeId } : {}),
      }),
    );
  }
}
