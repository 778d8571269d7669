import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import type { AccountState } from '#core/alerts.js';
import { isMuteActive, type Mute } from '#core/mutes.js';
import { ParseError, parseJsonWith } from '#shared/parse.js';
import { AccountStateSchema, MuteSchema, type WeightReport, WeightReportSchema } from './schemas.js';
import type { SendClaim, StateStore, VersionedState } from './state-store.js';
import { TableItems } from './table-items.js';

/** Sent markers and seen update ids outlive any redelivery by far. */
const SENT_TTL_S = 7 * 86_400;
const UPDATE_TTL_S = 2 * 86_400;
const DIGEST_TTL_S = 3 * 86_400;

/** Thrown when an item read back does not have the shape we wrote. */
export class StoredItemError extends Error {
  constructor(key: string, detail: string) {
    super(`state table item ${key} is not readable: ${detail}`);
    this.name = 'StoredItemError';
  }
}

/**
 * The state table: one item per account (its whole state, moved forward by one conditional write),
 * one per mute, sent marker, seen update and digest slot. Key `pk`/`sk`, TTL attribute `expiresAt`
 * (epoch seconds). No keys or secrets are ever written here: only positions' legs and alerts.
 */
export class DynamoStateStore extends TableItems implements StateStore {
  constructor(client: DynamoDBClient, tableName: string) {
    super(client, tableName, { marshallOptions: { removeUndefinedValues: true } });
  }

  async loadAccount(account: string): Promise<VersionedState> {
    const key = { pk: `ACCOUNT#${account}`, sk: 'STATE' };
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    if (!Item) return { state: null, version: 0 };
    return { state: parseJson(Item.state, AccountStateSchema, key.pk), version: Number(Item.version) };
  }

  async saveAccount(state: AccountState, version: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `ACCOUNT#${state.account}`,
            sk: 'STATE',
            version: version + 1,
            state: JSON.stringify(state),
          },
          ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(version === 0 ? {} : { ExpressionAttributeValues: { ':v': version } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listMutes(nowMs: number): Promise<Mute[]> {
    const items = await this.partition('MUTE');
    return items
      .map((item) => parseJson(item.mute, MuteSchema, `MUTE/${String(item.sk)}`))
      .filter((m) => isMuteActive(m, nowMs));
  }

  async putMute(mute: Mute): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: 'MUTE',
          sk: mute.id,
          mute: JSON.stringify(mute),
          ...(mute.until === null ? {} : { expiresAt: Math.ceil(mute.until / 1000) + 3600 }),
        },
      }),
    );
  }

  async deleteMutes(ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 25) {
      const chunk = ids.slice(i, i + 25);
      await this.doc.send(
        new BatchWriteCommand({
          RequestItems: { [this.table]: chunk.map((id) => ({ DeleteRequest: { Key: { pk: 'MUTE', sk: id } } })) },
        }),
      );
    }
  }

  async claimSend(id: string, nowMs: number, leaseMs: number): Promise<SendClaim> {
    const key = { pk: `SENT#${id}`, sk: 'SENT' };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, status: 'sending', leaseUntil: nowMs + leaseMs, expiresAt: epochS(nowMs) + SENT_TTL_S },
          ConditionExpression: 'attribute_not_exists(pk) OR (#s = :sending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':now': nowMs },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
      return Item?.status === 'sent' ? 'already-sent' : 'in-flight';
    }
  }

  async markSent(id: string, nowMs: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `SENT#${id}`, sk: 'SENT' },
        UpdateExpression: 'SET #s = :sent, sentAt = :now REMOVE leaseUntil',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':now': nowMs },
      }),
    );
  }

  async releaseSend(id: string): Promise<void> {
    await this.doc
      .send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: `SENT#${id}`, sk: 'SENT' },
          ConditionExpression: '#s = :sending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  claimUpdate(updateId: number, nowMs: number): Promise<boolean> {
    return this.#claimOnce({ pk: `UPDATE#${updateId}`, sk: 'UPDATE' }, epochS(nowMs) + UPDATE_TTL_S);
  }

  claimDigest(slot: string, nowMs: number): Promise<boolean> {
    return this.#claimOnce({ pk: 'DIGEST', sk: slot }, epochS(nowMs) + DIGEST_TTL_S);
  }

  async saveWeight(report: WeightReport): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: 'STATUS', sk: 'WEIGHT', report: JSON.stringify(report) } }),
    );
  }

  async loadWeight(): Promise<WeightReport | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: 'STATUS', sk: 'WEIGHT' } }),
    );
    return Item ? parseJson(Item.report, WeightReportSchema, 'STATUS/WEIGHT') : null;
  }

  async #claimOnce(key: { pk: string; sk: string }, expiresAt: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function epochS(ms: number): number {
  return Math.floor(ms / 1000);
}

/** A stored JSON document read back through its schema: a stored item is an I/O edge like any other. */
function parseJson<S extends z.ZodType>(text: unknown, schema: S, key: string): z.output<S> {
  try {
    return parseJsonWith(schema, String(text), `state table item ${key}`);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    throw new StoredItemError(key, error.problems.join('; '));
  }
}
