import { Telegram } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatNotice, UNDELIVERABLE_EVENT } from '#contracts/chat-notice.js';
import type { Delivery } from '#contracts/queue-message.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { DynamoChatReachability } from '#store/chat-reachability.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';
import { createDeliverer, type DeliverDeps, RetryLaterError } from '#telegram/deliver.js';

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

function setup(over: Partial<DeliverDeps> = {}) {
  const waits: number[] = [];
  const logged: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const line =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      void logged.push({ level, message, extra: Object.assign({}, ...extra) });
  const deliver = createDeliverer({
    telegram: new Telegram(TOKEN, { apiRoot: tg.apiRoot }),
    store: new DynamoStateStore(dynamo.client, dynamo.tableName),
    now: () => clock.t,
    log: { info: line('info'), warn: line('warn'), error: line('error') },
    sleep: async (ms) => {
      waits.push(ms);
      clock.t += ms;
    },
    ...over,
  });
  return { deliver, waits, logged };
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
    await expect(handedBack).rejects.toMatchObject({ reason: 'flood-wait', retryAfterS: 60 });
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
    const failed = deliver(digest('fivexx-001', 5));
    await expect(failed).rejects.toThrow(/502 Bad Gateway/);
    await expect(failed).rejects.toMatchObject({ reason: 'failed' });
    await deliver(digest('fivexx-001', 5));
    expect(tg.messagesTo(5)).toHaveLength(1);
  });
});

describe('a long flood wait', () => {
  it('reads the seconds of a 429 whose body has no parameters from its description', async () => {
    const { deliver, waits } = setup();
    // {"ok":false,"error_code":429,"description":"Too Many Requests: retry after 134"}: 134 s, not 1 s.
    tg.failNext('sendMessage', { kind: 'retryAfter', seconds: 134, legacyBody: true }, { chatId: 6 });
    const handedBack = deliver(digest('legacy-429', 6));
    await expect(handedBack).rejects.toMatchObject({ reason: 'flood-wait', retryAfterS: 134 });
    expect(waits).toEqual([]);
    expect(tg.messagesTo(6)).toEqual([]);
  });
});

describe('a chat that stops accepting messages', () => {
  const BLOCKED = 10;
  const OTHERS = [11, 12];

  function reachabilitySetup() {
    const chats = new DynamoChatReachability(dynamo.client, dynamo.tableName);
    const queued: ChatNotice[] = [];
    const d = setup({
      chats,
      notices: { enqueue: async (n) => void queued.push(...n) },
      routes: [{ id: BLOCKED }, { id: OTHERS[0]! }, { id: OTHERS[1]!, threadId: 5 }],
      perChatGapMs: 0,
    });
    return { ...d, chats, queued };
  }

  it('reports every alert it loses, tells the other chats once, and keeps it for /status', async () => {
    // Prepare
    const { deliver, logged, chats, queued } = reachabilitySetup();
    tg.blockChat(BLOCKED);
    // Act
    await deliver(digest('blocked-001', BLOCKED));
    await deliver(digest('blocked-002', BLOCKED));
    // Assess: each lost alert is one line the stack's metric filter counts, naming chat and delivery.
    const reports = logged.filter((l) => l.extra.event === UNDELIVERABLE_EVENT);
    expect(reports.map((r) => [r.level, r.extra.chatId, r.extra.deliveryId, r.extra.code])).toEqual([
      ['error', BLOCKED, 'blocked-001', 403],
      ['error', BLOCKED, 'blocked-002', 403],
    ]);
    expect(reports[0]!.message).toMatch(/chat 10 no longer receives alerts/);
    // The other chats are told once for the episode, each in its own thread.
    expect(queued.map((n) => [n.chatId, n.threadId, n.about.chatId, n.about.refusal.code])).toEqual([
      [11, undefined, BLOCKED, 403],
      [12, 5, BLOCKED, 403],
    ]);
    const standing = await chats.loadStanding();
    expect(standing.unreachable).toMatchObject([
      {
        chatId: BLOCKED,
        refusal: { code: 403, description: 'Forbidden: bot was blocked by the user' },
        lostAlerts: 2,
        othersTold: true,
      },
    ]);
    // The notice itself goes out through the deliverer, like any queue message.
    await deliver(queued[0]!);
    expect(tg.messagesTo(11).at(-1)?.text).toMatch(/Chat 10 no longer receives alerts/);
  });

  it('ends the episode when the chat takes a message again', async () => {
    const { deliver, chats } = reachabilitySetup();
    const kicked = 'Forbidden: bot was kicked from the group chat';
    tg.failNext('sendMessage', { kind: 'status', code: 403, description: kicked }, { chatId: 14 });
    await deliver(digest('kicked-001', 14));
    expect((await chats.loadStanding()).unreachable.map((u) => u.chatId)).toContain(14);
    await deliver(digest('kicked-002', 14));
    expect(tg.messagesTo(14)).toHaveLength(1);
    expect((await chats.loadStanding()).unreachable.map((u) => u.chatId)).not.toContain(14);
  });

  it('400 chat not found is a chat gone too', async () => {
    const { deliver, logged } = reachabilitySetup();
    tg.failNext(
      'sendMessage',
      { kind: 'status', code: 400, description: 'Bad Request: chat not found' },
      { chatId: 13 },
    );
    await deliver(digest('gone-00001', 13));
    expect(logged.filter((l) => l.extra.event === UNDELIVERABLE_EVENT)).toMatchObject([
      { extra: { chatId: 13, code: 400, description: 'Bad Request: chat not found' } },
    ]);
  });

  it('follows a group that became a supergroup, and keeps the new id for every later delivery', async () => {
    // Prepare
    const { deliver, chats } = reachabilitySetup();
    tg.migrateChat(-500, -100500);
    // Act
    await deliver(digest('moved-0001', -500));
    await deliver(digest('moved-0002', -500));
    // A container that never met the refusal reads the new id from the store.
    const fresh = setup({ chats, perChatGapMs: 0 });
    await fresh.deliver(digest('moved-0003', -500));
    // Assess
    expect(tg.messagesTo(-100500)).toHaveLength(3);
    expect(tg.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === -500)).toHaveLength(1);
    expect((await chats.loadStanding()).moves).toMatchObject([{ from: -500, to: -100500 }]);
  });
});

describe('the invocation time', () => {
  it('bounds each request: a Telegram that never answers is given up after 10 s and the message goes back', async () => {
    // The bound's timer is the test's: it fires once the stand-in holds the request unanswered.
    const bounds: number[] = [];
    const { deliver } = setup({
      timeoutSignal: (ms) => {
        bounds.push(ms);
        const timer = new AbortController();
        void tg.nextHang().then(() => timer.abort());
        return timer.signal;
      },
    });
    tg.failNext('sendMessage', { kind: 'hang' }, { chatId: 7 });
    await expect(deliver(digest('hung-00001', 7))).rejects.toMatchObject({ reason: 'failed' });
    expect(bounds).toEqual([10_000]);
    await deliver(digest('hung-00001', 7));
    expect(tg.messagesTo(7)).toHaveLength(1);
  });

  it('starts no send that could not end before the deadline, and hands the message back unsent', async () => {
    const { deliver } = setup();
    // 10 s per request, and a margin: 8 s left is too little.
    const late = deliver(digest('late-00001', 8), { deadlineMs: clock.t + 8_000 });
    await expect(late).rejects.toMatchObject({ reason: 'out-of-time' });
    expect(tg.messagesTo(8)).toEqual([]);
    await deliver(digest('late-00001', 8), { deadlineMs: clock.t + 30_000 });
    expect(tg.messagesTo(8)).toHaveLength(1);
  });
});
