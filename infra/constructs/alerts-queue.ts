import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BindableFunction } from './liqwatch-function.js';

/**
 * The queue's own redrive is a backstop only. SQS counts receives, and most receives of a message that
 * waits are not failures: Telegram's flood control can ask for a wait of many minutes (the bot holds the
 * message in flight that long, every time it asks), and a chat's later messages are held behind it. The
 * bot counts real failures itself and moves a message to the dead-letter queue at the fifth
 * (functions/telegram/queue-handler.ts); this count is only reached by a bot that cannot run at all.
 */
export const RECEIVE_BACKSTOP = 100;

export interface AlertsQueueProps {
  /** The consumer's timeout; the visibility timeout is six times it, as Lambda recommends. */
  readonly consumerTimeout: Duration;
  /** @default RECEIVE_BACKSTOP (100) receives before SQS itself moves a message to the dead-letter queue */
  readonly maxReceiveCount?: number;
}

/**
 * The alerts queue, FIFO: one message group per chat keeps a chat's messages in order (a resolution
 * never overtakes its alert), and the delivery id is the deduplication id. A message that keeps failing
 * goes to the dead-letter queue, whose depth has an alarm.
 */
export class AlertsQueue extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: AlertsQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? RECEIVE_BACKSTOP },
    });
  }

  /** Sending to the alerts queue and the variable that names it (`ALERTS_QUEUE_URL`), granted together. */
  bindSender(fn: BindableFunction): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment('ALERTS_QUEUE_URL', this.queue.queueUrl);
  }

  /**
   * What the consumer does besides reading: hold a message in flight (ChangeMessageVisibility on the
   * queue) and move one to the dead-letter queue (SendMessage there, named by `DEAD_LETTER_QUEUE_URL`).
   */
  bindRedriver(fn: BindableFunction): void {
    this.queue.grant(fn, 'sqs:ChangeMessageVisibility');
    this.deadLetterQueue.grantSendMessages(fn);
    fn.addEnvironment('DEAD_LETTER_QUEUE_URL', this.deadLetterQueue.queueUrl);
  }
}
