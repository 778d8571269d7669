import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { parseWith } from '#shared/parse.js';
import { TableItems } from './table-items.js';

/**
 * Which receives of a queue message were not attempts at all: Telegram's flood control asked to wait,
 * an earlier message of its chat was held, the invocation ran out of time. SQS counts every receive
 * (`ApproximateReceiveCount`); only the others are failures, and only they count toward the
 * dead-letter queue. Kept per SQS message id, the unit SQS counts receives of.
 */
export interface ReceiveLedger {
  /** Notes that receive number `receiveCount` of the message was not an attempt; noting it twice counts once. */
  excuse(messageId: string, receiveCount: number, nowMs: number): Promise<void>;
  /** How many of the message's receives were excused. */
  excused(messageId: string): Promise<number>;
}

/** A message lives on the alerts queue for a day at most (its retention); its ledger a little longer. */
const LEDGER_TTL_S = 2 * 86_400;

const LedgerItemSchema = z.object({ receives: z.set(z.number()) });

/**
 * The ledger in the state table: one item per message (`pk` RECEIVES#<message id>, `sk` EXCUSED) whose
 * number set holds the excused receive counts, so two invocations excusing one receive count it once.
 */
export class DynamoReceiveLedger extends TableItems implements ReceiveLedger {
  async excuse(messageId: string, receiveCount: number, nowMs: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keyOf(messageId),
        UpdateExpression: 'ADD receives :n SET expiresAt = :exp',
        ExpressionAttributeValues: { ':n': new Set([receiveCount]), ':exp': Math.floor(nowMs / 1000) + LEDGER_TTL_S },
      }),
    );
  }

  async excused(messageId: string): Promise<number> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keyOf(messageId), ConsistentRead: true }),
    );
    if (!Item) return 0;
    return parseWith(LedgerItemSchema, Item, `state table item RECEIVES#${messageId}`).receives.size;
  }
}

const keyOf = (messageId: string) => ({ pk: `RECEIVES#${messageId}`, sk: 'EXCUSED' });
