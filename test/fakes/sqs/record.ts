import type { SQSRecord } from 'aws-lambda';
import { md5, type StoredMessage } from './queue.js';

/** A message as the Lambda event source hands it over (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html). */
export function sqsRecord(m: StoredMessage, queueArn: string): SQSRecord {
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle ?? '',
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
      ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
      ...(m.dedupeId ? { MessageDeduplicationId: m.dedupeId, SequenceNumber: String(m.seq).padStart(20, '0') } : {}),
    },
    messageAttributes: {},
    md5OfBody: md5(m.body),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'local',
  };
}
