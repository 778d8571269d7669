import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { parseWith } from '#shared/parse.js';
import { TableItems } from './table-items.js';

/** An exchange host that answered 418 (IP banned) or 429 (rate limited): not to be called before `until`. */
export interface HostBan {
  host: string;
  /** Epoch ms. */
  until: number;
  status: 418 | 429;
}

const HostBanSchema = z.object({
  host: z.string().min(1),
  until: z.number().int().positive(),
  status: z.union([z.literal(418), z.literal(429)]),
});

/**
 * Bans outlive the process that met them: the next check skips the host until the ban ends instead
 * of calling it again, which would extend the ban ("Repeatedly violating rate limits and/or failing to
 * back off after receiving 429s will result in an automated IP ban (HTTP status 418)",
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info#limits).
 */
export interface HostBanLog {
  /** The bans still in force at `nowMs`. */
  loadBans(nowMs: number): Promise<HostBan[]>;
  /** Keeps each ban; a host's stored ban is replaced only by one that ends later. */
  saveBans(bans: readonly HostBan[], nowMs: number): Promise<void>;
}

const PK = 'HOSTBAN';

/** The bans in the state table: one item per host (`pk` HOSTBAN, `sk` the host), gone by TTL after it ends. */
export class DynamoHostBans extends TableItems implements HostBanLog {
  async loadBans(nowMs: number): Promise<HostBan[]> {
    const items = await this.partition(PK);
    return items
      .map((item) =>
        parseWith(HostBanSchema, { host: item.sk, until: item.until, status: item.status }, `state table item ${PK}`),
      )
      .filter((ban) => ban.until > nowMs);
  }

  async saveBans(bans: readonly HostBan[], nowMs: number): Promise<void> {
    for (const ban of bans) {
      if (ban.until <= nowMs) continue;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              pk: PK,
              sk: ban.host,
              until: ban.until,
              status: ban.status,
              expiresAt: Math.ceil(ban.until / 1000),
            },
            // Two overlapping checks may both have met the host: the later end wins.
            ConditionExpression: 'attribute_not_exists(pk) OR #until < :until',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':until': ban.until },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }
}

/** Whether a store keeps host bans too (the bot is handed the state store; `/status` shows bans where it does). */
export function keepsHostBans<T extends object>(store: T): store is T & HostBanLog {
  return 'loadBans' in store && typeof store.loadBans === 'function';
}
