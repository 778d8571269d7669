import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountState } from '#core/alerts.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';

let dynamo: LocalDynamo;
let store: DynamoStateStore;
const T0 = 1_767_000_000_000;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  store = new DynamoStateStore(dynamo.client, dynamo.tableName);
});
afterAll(() => dynamo.close());

const state = (account: string, lastCycleAt: number): AccountState => ({
  account,
  legs: { usdm: { 'BTCUSDT|LONG': 1 } },
  health: {},
  alerts: {},
  lastCycleAt,
});

describe('account state', () => {
  it('is written with a version and read back as written', async () => {
    expect(await store.loadAccount('a')).toEqual({ state: null, version: 0 });
    expect(await store.saveAccount(state('a', T0), 0)).toBe(true);
    expect(await store.loadAccount('a')).toEqual({ state: state('a', T0), version: 1 });
  });

  it('two writers that read the same version: only one moves the account forward', async () => {
    await store.saveAccount(state('b', T0), 0);
    const results = await Promise.all([
      store.saveAccount(state('b', T0 + 1), 1),
      store.saveAccount(state('b', T0 + 2), 1),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.saveAccount(state('b', T0 + 3), 0)).toBe(false);
    expect((await store.loadAccount('b')).version).toBe(2);
  });
});

describe('mutes', () => {
  it('expired mutes are not listed; until-resolved mutes last; deleted ones are gone', async () => {
    const base = { chatId: 42, createdAt: T0, target: null };
    await store.putMute({ ...base, id: 'old', scope: 'all', until: T0 - 1 });
    await store.putMute({ ...base, id: 'live', scope: 'symbol', target: 'BTCUSDT', until: T0 + 60_000 });
    await store.putMute({
      ...base,
      id: 'key',
      scope: 'alert',
      target: 'main|usdm|BTCUSDT|BOTH|liq-distance',
      until: null,
    });
    expect((await store.listMutes(T0)).map((m) => m.id).sort()).toEqual(['key', 'live']);
    await store.deleteMutes(['key']);
    expect((await store.listMutes(T0)).map((m) => m.id)).toEqual(['live']);
  });

  it('a timed mute carries a TTL so DynamoDB removes it', async () => {
    const { Items } = await dynamo.client.send(new ScanCommand({ TableName: dynamo.tableName }));
    const live = Items?.find((i) => i.sk?.S === 'live');
    expect(Number(live?.expiresAt?.N)).toBeGreaterThan(T0 / 1000);
  });
});

describe('send markers and seen updates', () => {
  it('a delivery is claimed once; a sent one is never claimed again; a lapsed claim can be taken over', async () => {
    expect(await store.claimSend('d1', T0, 30_000)).toBe('claimed');
    expect(await store.claimSend('d1', T0 + 1_000, 30_000)).toBe('in-flight');
    expect(await store.claimSend('d1', T0 + 31_000, 30_000)).toBe('claimed');
    await store.markSent('d1', T0 + 32_000);
    expect(await store.claimSend('d1', T0 + 999_999, 30_000)).toBe('already-sent');
  });

  it('a released claim can be retried at once', async () => {
    expect(await store.claimSend('d2', T0, 30_000)).toBe('claimed');
    await store.releaseSend('d2');
    expect(await store.claimSend('d2', T0 + 1, 30_000)).toBe('claimed');
  });

  it('an update id and a digest slot are claimed once', async () => {
    expect(await store.claimUpdate(1001, T0)).toBe(true);
    expect(await store.claimUpdate(1001, T0)).toBe(false);
    expect(await store.claimDigest('2026-01-05', T0)).toBe(true);
    expect(await store.claimDigest('2026-01-05', T0)).toBe(false);
  });
});
