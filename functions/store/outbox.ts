import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Delivery, DeliverySchema } from '#contracts/queue-message.js';
import { parseJsonWith } from '#shared/parse.js';
import { TableItems } from './table-items.js';

/** A delivery waiting in the outbox, under the key that keeps its place in line. */
export interface OutboxEntry {
  key: string;
  delivery: Delivery;
}

/**
 * The alerts queue of a laptop, kept in the state store: a delivery Telegram did not take waits here,
 * across runs, until it goes out. The check's state moves on once its news is here, as it does in AWS
 * once the news is on SQS.
 */
export interface Outbox {
  /** Puts deliveries at the end of the line, in the order given. */
  append(deliveries: readonly Delivery[]): Promise<void>;
  /** Everything waiting, oldest first. */
  waiting(): Promise<OutboxEntry[]>;
  /** Takes delivered entries out of the line. */
  remove(keys: readonly string[]): Promise<void>;
}

const PK = 'OUTBOX';
const SEQ_KEY = { pk: 'OUTBOX#SEQ', sk: 'SEQ' };

/**
 * The outbox in the state table: one item per delivery (`pk` OUTBOX, `sk` its place in line, a
 * zero-padded number taken from a counter item, so the line keeps its order whatever the clock says).
 */
export class DynamoOutbox extends TableItems implements Outbox {
  async append(deliveries: readonly Delivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: SEQ_KEY,
        UpdateExpression: 'ADD seq :n',
        ExpressionAttributeValues: { ':n': deliveries.length },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const first = Number(Attributes?.seq) - deliveries.length + 1;
    for (const [i, delivery] of deliveries.entries()) {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: PK, sk: String(first + i).padStart(12, '0'), delivery: JSON.stringify(delivery) },
        }),
      );
    }
  }

  async waiting(): Promise<OutboxEntry[]> {
    return (await this.partition(PK)).map((item) => {
      const key = String(item.sk);
      return { key, delivery: parseJsonWith(DeliverySchema, String(item.delivery), `outbox item ${key}`) };
    });
  }

  async remove(keys: readonly string[]): Promise<void> {
    for (const sk of keys) await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: PK, sk } }));
  }
}

/** The outbox of a run that keeps no state (no `--state-dir`): it lasts as long as the process. */
export class MemoryOutbox implements Outbox {
  #entries: OutboxEntry[] = [];
  #seq = 0;

  async append(deliveries: readonly Delivery[]): Promise<void> {
    for (const delivery of deliveries) this.#entries.push({ key: String(++this.#seq), delivery });
  }

  async waiting(): Promise<OutboxEntry[]> {
    return [...this.#entries];
  }

  async remove(keys: readonly string[]): Promise<void> {
    const gone = new Set(keys);
    this.#entries = this.#entries.filter((e) => !gone.has(e.key));
  }
}
