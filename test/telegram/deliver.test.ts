import { Telegram } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '#contracts/queue-message.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';
import { createDeliverer, RetryLaterError } from '#telegram/deliver.js';

const TOKEN = '55:deliver-test-token-AAAAAAAAAAAAAAAAAAAAAA';
/** Test time, shared by the deliverer and the stand-in's flood control: a wait advances it, nothing sleeps. */
const clock = { t: 1_000_000 };
let tg: FakeTelegram;
let dynamo: LocalDynamo;

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN, perChatPerSecond: 1, now: () => clock.t });
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await tg.close();
  await dynamo.close();
});

const digest = (id: string, chatId: number): Delivery => ({
  id,
  kind: 'digest',
  chatId,
  at: Date.UTC(2026, 0, 5, 8),
  silent: true,
  digest: { accounts: [{ account: 'main', lastCycleAt: Date.UTC(2026, 0, 5, 8), sources: [], firing: [] }] },
});

function setup() {
  const waits: number[] = [];
  const deliver = createDeliverer({
    telegram: new Telegram(TOKEN, { apiRoot: tg.apiRoot }),
    store: new DynamoStateStore(dynamo.client, dynamo.tableName),
    now: () => clock.t,
    log: { info: () => {}, warn: () => {}, error: () => {} },
    sleep: async (ms) => {
      waits.push(ms);
      clock.t += ms;
    },
  });
  return { deliver, waits };
}

/** The 429 answers the stand-in gave to `chatId`. */
const refusedWith429 = (chatId: number) =>
  tg.calls.filter((c) => c.status === 429 && Number(c.params.chat_id) === chatId);

describe('pace and retries', () => {
  it('keeps about one message a second per chat, and none waits for another chat', async () => {
    const { deliver, waits } = setup();
    await deliver(digest('pace-00001', 1));
    await deliver(digest('pace-00002', 2));
    await deliver(digest('pace-00003', 1));
    expect(tg.messagesTo(1)).toHaveLength(2);
    expect(tg.messagesTo(2)).toHaveLength(1);
    expect(waits).toEqual([1000]);
    expect(tg.calls.filter((c) => c.status === 429)).toHaveLength(0);
  });

  it('waits out a short retry_after in place, and hands a long one back to the queue', async () => {
    const { deliver, waits } = setup();
    const retryAfterS = 1;
    tg.failNext('sendMessage', { kind: 'retryAfter', seconds: retryAfterS }, { chatId: 3 });
    await deliver(digest('retry-0001', 3));
    expect(tg.messagesTo(3)).toHaveLength(1);
    expect(waits).toContain(1000);
    // The one wait is Telegram's retry_after, no more and no less.
    expect(refusedWith429(3)).toHaveLength(1);
    expect(waits).toEqual([retryAfterS * 1000]);
    tg.failNext('sendMessage', { kind: 'retryAfter', seconds: 60 }, { chatId: 4 });
    const handedBack = deliver(digest('retry-0002', 4));
    await expect(handedBack).rejects.toBeInstanceOf(RetryLaterError);
    // Too long to wait in place: Telegram's seconds go back with the message, for the queue to wait.
    await expect(handedBack).rejects.toMatchObject({ retryAfterS: 60 });
    expect(waits).toEqual([1000]);
    await deliver(digest('retry-0002', 4));
    await deliver(digest('retry-0002', 4));
    expect(tg.messagesTo(4)).toHaveLength(1);
    // Offered again at once, the message waits out only the pace gap.
    expect(waits).toEqual([1000, 1000]);
  });

  it('a 5xx goes back to the queue and is sent once when it works again', async () => {
    const { deliver } = setup();
    tg.failNext('sendMessage', { kind: 'status', code: 502, description: 'Bad Gateway' }, { chatId: 5 });
    await expect(deliver(digest('fivexx-001', 5))).rejects.toThrow(/502 Bad Gateway/);
    await deliver(digest('fivexx-001', 5));
    expect(tg.messagesTo(5)).toHaveLength(1);
  });
});
