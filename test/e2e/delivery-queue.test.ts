import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import { telegramUpdate } from '#builders/telegram.js';
import { SqsAlertQueue } from '#check/alert-queue.js';
import type { Delivery } from '#contracts/queue-message.js';
import { EventSourceMapping, type FakeSqs, MAX_VISIBILITY_S, startFakeSqs } from '#fakes/sqs/index.js';
import { type FakeTelegram, startFakeTelegram, type TelegramFault } from '#local/telegram-bot-api/index.js';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';
import { createBotHandler } from '#telegram/handler.js';
import { RECEIVE_BACKSTOP } from '../../infra/constructs/alerts-queue.js';
import { assembleQueueBot } from './queue-bot.js';

/*
 * The bot's queue handler between the real clients and the stand-ins, as Lambda runs it: the SQS
 * stand-in's event source mapping receives FIFO batches (visibility, receive counts, redrive), the bot
 * holds, hands back and dead-letters through the real SQS client, Telegram answers as the Bot API does.
 * One clock for all of them: the queue's visibility, Telegram's and the bot's.
 */

const TOKEN = '424242:queue-test-token-AAAAAAAAAAAAAAAAAAAAAAAA';
const A = 101;
const B = 102;
const C = -100103;
const clock = { t: Date.UTC(2026, 0, 5, 12) };
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let tg: FakeTelegram;
let dynamo: LocalDynamo;
let exchange: BinanceClient;
let tables = 0;
const open: { sqs: FakeSqs; client: SQSClient }[] = [];

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_queue_bot', now: () => clock.t });
  dynamo = await startLocalDynamo();
  exchange = new BinanceClient();
});
afterAll(async () => {
  for (const o of open) {
    o.client.destroy();
    await o.sqs.close();
  }
  await exchange.close();
  await Promise.all([tg.close(), dynamo.close()]);
});

const digest = (id: string, chatId: number): Delivery => ({
  id: `${id}-${'0'.repeat(8)}`,
  kind: 'digest',
  chatId,
  at: clock.t,
  silent: true,
  digest: { accounts: [{ account: id, lastCycleAt: clock.t, sources: [], firing: [] }] },
});

/** The bot, its queue (FIFO, the stack's visibility and backstop) and its table, fresh for one test. */
async function world(opts: { gapMs?: number } = {}) {
  tg.messages.length = 0;
  tg.calls.length = 0;
  const table = `queue-${++tables}`;
  await ensureTable(dynamo.client, table);
  const sqs = await startFakeSqs({ fifo: true, now: () => clock.t, deadLetter: { maxReceiveCount: RECEIVE_BACKSTOP } });
  const client = new SQSClient({ endpoint: sqs.endpoint, region: 'local', credentials });
  open.push({ sqs, client });
  const logged: string[] = [];
  const line = (m: string, ...x: Record<string, unknown>[]) => void logged.push(`${m} ${JSON.stringify(x)}`);
  const deps = await assembleQueueBot({
    chatIds: [A, B, C],
    botUsername: 'liqwatch_queue_bot',
    token: TOKEN,
    apiRoot: tg.apiRoot,
    dynamo,
    table,
    sqs,
    client,
    exchange,
    clock,
    log: { info: line, warn: line, error: line },
    perChatGapMs: opts.gapMs ?? 0,
  });
  const handler = createBotHandler(deps);
  const esm = new EventSourceMapping(sqs.queue, (event, context) => handler(event, context), { timeoutMs: 30_000 });
  const enqueue = (ds: Delivery[]) => new SqsAlertQueue(client, sqs.queueUrl).send(ds);
  const drain = () =>
    esm.drain((to) => {
      clock.t = to;
    });
  return { sqs, esm, enqueue, drain, deps, logged };
}

const sentTo = (chatId: number) => tg.messagesTo(chatId).map((m) => m.text);
const idsSentTo = (chatId: number) => sentTo(chatId).map((t) => /<b>(\w+)<\/b>/.exec(t)?.[1]);

/** Telegram refuses sends to `chatId` with `faults`, one per send, then takes them. */
function refuseSendsTo(chatId: number, faults: TelegramFault[]) {
  const left = [...faults];
  tg.setFaultPolicy((method, chat) => (method === 'sendMessage' && chat === chatId ? left.shift() : undefined));
}

describe('a long flood wait', () => {
  it('holds the message exactly as long as Telegram asks, its chat behind it, while other chats go on', async () => {
    // Prepare
    const w = await world();
    await w.enqueue([digest('flooda1', A), digest('flooda2', A), digest('floodb1', B)]);
    refuseSendsTo(A, [{ kind: 'retryAfter', seconds: 2282 }]);
    const start = clock.t;
    // Act: the first batch, then the queue just before and just after the wait.
    await w.esm.poll();
    const sentDuringWait = sentTo(B).length;
    clock.t = start + 2281_000;
    const beforeEnd = await w.esm.poll();
    clock.t = start + 2282_000;
    await w.esm.poll();
    // Assess
    expect(sentDuringWait).toBe(1);
    expect(beforeEnd).toEqual([]);
    expect(idsSentTo(A)).toEqual(['flooda1', 'flooda2']);
    expect(w.sqs.deadLetters).toEqual([]);
  });

  it("lets the chat's later messages follow the held one at the end of its wait, not of the visibility timeout", async () => {
    const w = await world();
    await w.enqueue([digest('shorta01', A), digest('shorta02', A), digest('shorta03', A)]);
    refuseSendsTo(A, [{ kind: 'retryAfter', seconds: 60 }]);
    const start = clock.t;
    await w.esm.poll();
    clock.t = start + 59_000;
    expect(await w.esm.poll()).toEqual([]);
    clock.t = start + 60_000;
    await w.esm.poll();
    expect(idsSentTo(A)).toEqual(['shorta01', 'shorta02', 'shorta03']);
  });

  it('never counts a flood wait as a failure: six waits in a row, then the message goes out, not to the DLQ', async () => {
    const w = await world();
    await w.enqueue([digest('patient1', A)]);
    refuseSendsTo(A, [
      ...Array.from({ length: 6 }, (): TelegramFault => ({ kind: 'retryAfter', seconds: 600 })),
      // The body without `parameters`, as Telegram sometimes answers: 134 s, not 1 s.
      { kind: 'retryAfter', seconds: 134, legacyBody: true },
    ]);
    await w.drain();
    expect(idsSentTo(A)).toEqual(['patient1']);
    expect(w.sqs.deadLetters).toEqual([]);
    expect(w.esm.invocations.at(-1)!.event.Records[0]!.attributes.ApproximateReceiveCount).toBe('8');
  });

  it('holds no longer than SQS allows (12 hours)', async () => {
    const w = await world();
    await w.enqueue([digest('verylong', A)]);
    refuseSendsTo(A, [{ kind: 'retryAfter', seconds: 50_000 }]);
    const start = clock.t;
    await w.esm.poll();
    const held = w.sqs.queue.all[0]!;
    expect(held.visibleAt - start).toBeLessThanOrEqual(MAX_VISIBILITY_S * 1000);
    expect(held.visibleAt - start).toBeGreaterThan((MAX_VISIBILITY_S - 120) * 1000);
  });

  it('sends a message that really fails 5 times to the dead-letter queue itself, flood waits not counted', async () => {
    const w = await world();
    await w.enqueue([digest('broken01', A), digest('after001', A)]);
    const bad: TelegramFault = { kind: 'status', code: 502, description: 'Bad Gateway' };
    const wait: TelegramFault = { kind: 'retryAfter', seconds: 60 };
    refuseSendsTo(A, [bad, wait, bad, wait, bad, bad, bad]);
    await w.drain();
    expect(w.sqs.deadLetters.map((m) => JSON.parse(m.body).id)).toEqual([digest('broken01', A).id]);
    expect(tg.calls.filter((c) => c.status === 502 && Number(c.params.chat_id) === A)).toHaveLength(5);
    // The chat's next message is not stuck behind it.
    expect(idsSentTo(A)).toEqual(['after001']);
  });
});

describe('the invocation time', () => {
  it('stops taking sends before the time runs out and hands the rest back, to go out next, once each', async () => {
    // Prepare: ten messages to one chat, three seconds apart, and a function with 20 s left.
    const w = await world({ gapMs: 3_000 });
    const ids = Array.from({ length: 10 }, (_, i) => `paced${String(i).padStart(3, '0')}`);
    await w.enqueue(ids.map((id) => digest(id, B)));
    // Act
    const [first] = await w.esm.poll({ timeoutMs: 20_000 });
    const sentInFirst = sentTo(B).length;
    await w.drain();
    // Assess: the first invocation ended in time; what it handed back came back at once, in order.
    expect(first!.overran).toBe(false);
    expect(sentInFirst).toBe(3);
    expect(first!.response!.batchItemFailures).toHaveLength(7);
    expect(w.esm.invocations[1]!.event.Records).toHaveLength(7);
    expect(idsSentTo(B)).toEqual(ids);
  });
});

describe('a chat that stops accepting messages', () => {
  it('tells the other chats once through the queue, and /status shows it', async () => {
    // Prepare
    const w = await world();
    tg.blockChat(A);
    await w.enqueue([digest('lost0001', A), digest('lost0002', A), digest('kept0001', B)]);
    // Act
    await w.drain();
    await w.deps.bot.handleUpdate(telegramUpdate.command('/status', { id: B }));
    // Assess
    const notices = (chat: number) => sentTo(chat).filter((t) => t.includes(`Chat ${A} no longer receives alerts`));
    expect(notices(B)).toHaveLength(1);
    expect(notices(C)).toHaveLength(1);
    expect(w.logged.filter((l) => l.includes('"event":"alert-undeliverable"'))).toHaveLength(2);
    expect(sentTo(B).at(-1)).toMatch(new RegExp(`chat ${A}: receives no alerts .*\\(2 lost\\)`));
    expect(w.sqs.deadLetters).toEqual([]);
  });
});
