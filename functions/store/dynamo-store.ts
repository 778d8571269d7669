import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoStateStore } from './dynamo-state-store.js';
import { DynamoHostBans, type HostBan, type HostBanLog } from './host-bans.js';

/**
 * The state table as the check and the bot share it: the state store's ports and the host bans, so
 * `/status` can show a ban the check met. Each concern keeps its own adapter; this only puts them on
 * one object.
 */
export class DynamoStore extends DynamoStateStore implements HostBanLog {
  readonly #bans: DynamoHostBans;

  constructor(client: DynamoDBClient, tableName: string) {
    super(client, tableName);
    this.#bans = new DynamoHostBans(client, tableName);
  }

  loadBans(nowMs: number): Promise<HostBan[]> {
    return this.#bans.loadBans(nowMs);
  }

  saveBans(bans: readonly HostBan[], nowMs: number): Promise<void> {
    return this.#bans.saveBans(bans, nowMs);
  }
}
