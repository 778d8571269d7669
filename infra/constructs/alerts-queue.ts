import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BindableFunction } from './liqwatch-function.js';

export interface AlertsQueueProps {
  /** The consumer's timeout; the visibility timeout is six times it, as Lambda recommends. */
  readonly consumerTimeout: Duration;
  /** @default 5 receives before a message goes to the dead-letter queue */
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
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
  }

  /** Sending to the alerts queue and the variable that names it (`ALERTS_QUEUE_URL`), granted together. */
  bindSender(fn: BindableFunction): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment('ALERTS_QUEUE_URL', this.queue.queueUrl);
  }
}
