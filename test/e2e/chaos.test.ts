import { createHash } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import { telegramUpdate } from '#builders/telegram.js';
import { SqsAlertQueue } from '#check/alert-queue.js';
import { UNDELIVERABLE_EVENT } from '#contracts/chat-notice.js';
import type { Delivery } from '#contracts/queue-message.js';
import { EventSourceMapping, type FakeSqs, type PollOptions, startFakeSqs } from '#fakes/sqs/index.js';
import { type FakeTelegram, startFakeTelegram, type TelegramFault } from '#local/telegram-bot-api/index.js';
import { type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';
import { createBotHandler } from '#telegram/handler.js';
import { RECEIVE_BACKSTOP } from '../../infra/constructs/alerts-queue.js';
import { assembleQueueBot } from './queue-bot.js';

/*
 * Chaos on the delivery path, on one injected clock: hundreds of alerts to six chats through the real
 * SQS client, the SQS stand-in's FIFO queue and event source mapping, two bot "containers" and the
 * Telegram stand-in. Telegram answers at random (seeded): 429 short and long, in both body forms, 5xx,
 * slow answers; one chat blocks the bot midway, one is not found, one group becomes a supergroup. Every
 * batch is delivered twice (at once to both containers, or again later because its deletes were lost),
 * and some invocations get little time. A container whose time runs out is stopped as Lambda stops it:
 * nothing it does after its deadline reaches the store. LIQWATCH_CHAOS_SEED replays a run.
 */

const SEED = Number(process.env.LIQWATCH_CHAOS_SEED ?? 20_260_105);
const ALERTS = 360;
const WAVES = 6;
const TOKEN = '909090:chaos-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const R1 = 201;
const R2 = 202;
const R3 = -100203;
const BLOCKED = 204;
const GONE = 205;
const MOVED = -206;
const SUPERGROUP = -100206;
const CHATS = [R1, R2, R3, BLOCKED, GONE, MOVED];

/** A seeded generator (SHA-256 of the seed and a counter), so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let n = 0;
  return () => createHash('sha256').update(`${seed}:${n++}`).digest().readUInt32BE(0) / 2 ** 32;
}

const rng = seeded(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const between = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const clock = { t: Date.UTC(2026, 0, 5, 9) };

let tg: FakeTelegram;
let dynamo: LocalDynamo;
let sqs: FakeSqs;
let client: SQSClient;
let exchange: BinanceClient;

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_chaos_bot', now: () => clock.t });
  dynamo = await startLocalDynamo();
  sqs = await startFakeSqs({ fifo: true, now: () => clock.t, deadLetter: { maxReceiveCount: RECEIVE_BACKSTOP } });
  client = new SQSClient({
    endpoint: sqs.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  exchange = new BinanceClient();
});
afterAll(async () => {
  client.destroy();
  await exchange.close();
  await Promise.all([tg.close(), dynamo.close(), sqs.close()]);
});

/** What Telegram did, to show the run was the chaos it claims to be. */
const served = { short429: 0, long429: 0, legacy429: 0, fivexx: 0, slow: 0 };

/** Telegram at random: per send, a 429 (short, or long in either body form), a 5xx, a slow answer, or fine. */
function chaoticTelegram(): (method: string, chatId: number | undefined) => TelegramFault | undefined {
  // No chat meets more than 3 failures in a row: a message that really fails 5 times is not this test's.
  const failuresInARow = new Map<number, number>();
  return (method, chatId) => {
    if (method !== 'sendMessage' || chatId === undefined) return undefined;
    if (chatId === GONE) return { kind: 'status', code: 400, description: 'Bad Request: chat not found' };
    const roll = rng();
    const row = failuresInARow.get(chatId) ?? 0;
    let fault: TelegramFault | undefined;
    if (roll < 0.08) {
      served.short429++;
      fault = { kind: 'retryAfter', seconds: between(1, 3) };
    } else if (roll < 0.12) {
      const legacyBody = rng() < 0.5;
      served[legacyBody ? 'legacy429' : 'long429']++;
      fault = { kind: 'retryAfter', seconds: pick([30, 134, 600, 2282]), legacyBody };
    } else if (roll < 0.18 && row < 3) {
      served.fivexx++;
      fault = pick<TelegramFault>([
        { kind: 'status', code: 502, description: 'Bad Gateway' },
        { kind: 'status', code: 500, description: 'Internal Server Error' },
      ]);
    } else if (roll < 0.22) {
      // A slow answer: the send takes a few seconds of the invocation's time.
      served.slow++;
      clock.t += between(1_000, 3_000);
    }
    failuresInARow.set(chatId, fault?.kind === 'status' ? row + 1 : 0);
    return fault;
  };
}

/** Whatever a stopped container still tries after its deadline goes nowhere, as in a stopped Lambda. */
function stoppedAfter<T extends object>(target: T, deadline: () => number): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (clock.t > deadline()) return Promise.reject(new Error('the function was stopped at its timeout'));
        return Reflect.apply(value, t, args);
      };
    },
  });
}

/** One bot Lambda container: its own deliverer (pacing, caches), the shared table, queue and Telegram. */
async function container(logged: { message: string; extra: Record<string, unknown> }[]) {
  const state = { deadline: Number.POSITIVE_INFINITY };
  const until = () => state.deadline;
  const line = (message: string, ...extra: Record<string, unknown>[]) =>
    void logged.push({ message, extra: Object.assign({}, ...extra) });
  const deps = await assembleQueueBot({
    chatIds: CHATS,
    botUsername: 'liqwatch_chaos_bot',
    token: TOKEN,
    apiRoot: tg.apiRoot,
    dynamo,
    table: dynamo.tableName,
    sqs,
    client,
    exchange,
    clock,
    log: { info: line, warn: line, error: line },
    wrap: (adapter) => stoppedAfter(adapter, until),
  });
  const handler = createBotHandler(deps);
  return {
    deps,
    invoke: (...[event, context]: Parameters<typeof handler>) => {
      state.deadline = clock.t + (context?.getRemainingTimeInMillis() ?? 0);
      return handler(event, context);
    },
  };
}

/** Every batch twice: to both containers at once, or once with its deletes lost (so SQS offers it again). */
function chaoticPoll(): PollOptions {
  const duplicate = rng() < 0.4;
  return {
    duplicate,
    timeoutMs: rng() < 0.3 ? between(4_000, 20_000) : 30_000,
    ...(duplicate ? {} : { loseDelete: () => true }),
  };
}

/** Alert number `n` to a chat: a small message whose bold name (`a0042`) tells it apart on the phone. */
function alert(n: number, chatId: number): { name: string; delivery: Delivery } {
  const name = `a${String(n).padStart(4, '0')}`;
  return {
    name,
    delivery: {
      id: `chaos-alert-${name.slice(1)}`,
      kind: 'digest',
      chatId,
      at: clock.t,
      silent: true,
      digest: { accounts: [{ account: name, lastCycleAt: clock.t, sources: [], firing: [] }] },
    },
  };
}

describe(`chaos on the delivery path (seed ${SEED}; LIQWATCH_CHAOS_SEED replays it)`, () => {
  it('delivers every alert to a reachable chat once and in order, and reports every other', async () => {
    // Prepare
    console.info(`chaos seed ${SEED}`);
    const logged: { message: string; extra: Record<string, unknown> }[] = [];
    const containers = [await container(logged), await container(logged)];
    let turn = 0;
    const esm = new EventSourceMapping(sqs.queue, (event, context) => containers[turn++ % 2]!.invoke(event, context), {
      timeoutMs: 30_000,
    });
    tg.setFaultPolicy(chaoticTelegram());
    tg.migrateChat(MOVED, SUPERGROUP);
    const queue = new SqsAlertQueue(client, sqs.queueUrl);
    const sent = new Map<number, string[]>(CHATS.map((c) => [c, []]));

    // Act: waves of alerts with polls in between; one chat blocks the bot after the second wave.
    for (let wave = 0; wave < WAVES; wave++) {
      if (wave === 2) tg.blockChat(BLOCKED);
      const batch = Array.from({ length: ALERTS / WAVES }, (_, i) => alert(wave * (ALERTS / WAVES) + i, pick(CHATS)));
      for (const a of batch) sent.get(a.delivery.chatId)!.push(a.name);
      await queue.send(batch.map((a) => a.delivery));
      for (let p = between(3, 8); p > 0; p--) {
        await esm.poll(chaoticPoll());
        clock.t += between(0, 60_000);
      }
    }
    await esm.drain((to) => {
      clock.t = to;
    }, chaoticPoll);

    // Assess
    const why = `seed ${SEED}`;
    const alertsTo = (chat: number) => tg.messagesTo(chat).flatMap((m) => /<b>(a\d{4})<\/b>/.exec(m.text)?.[1] ?? []);
    const noticesTo = (chat: number, about: number) =>
      tg.messagesTo(chat).filter((m) => m.text.includes(`Chat ${about} no longer receives alerts`));
    const reported = (chat: number) =>
      logged
        .filter((l) => l.extra.event === UNDELIVERABLE_EVENT && l.extra.chatId === chat)
        .map((l) => String(l.extra.deliveryId))
        .filter((id) => id.startsWith('chaos-alert-'))
        .map((id) => `a${id.slice(-4)}`);

    // Every alert to a reachable chat: once, in order (the supergroup gets the moved group's).
    for (const chat of [R1, R2, R3]) expect(alertsTo(chat), `${why}, chat ${chat}`).toEqual(sent.get(chat));
    expect(alertsTo(SUPERGROUP), why).toEqual(sent.get(MOVED));
    expect(tg.messagesTo(MOVED), why).toEqual([]);
    // The blocked chat: what went out before the block, then every later alert reported, none both.
    const before = alertsTo(BLOCKED);
    expect([...before, ...reported(BLOCKED)], why).toEqual(sent.get(BLOCKED));
    expect(reported(GONE), why).toEqual(sent.get(GONE));
    // The other chats were told once of each, and /status shows both.
    for (const chat of [R1, R2, R3, SUPERGROUP]) {
      expect(noticesTo(chat, BLOCKED), `${why}, chat ${chat}`).toHaveLength(1);
      expect(noticesTo(chat, GONE), `${why}, chat ${chat}`).toHaveLength(1);
    }
    tg.setFaultPolicy(undefined);
    await containers[0]!.deps.bot.handleUpdate(telegramUpdate.command('/status', { id: R1 }));
    const status = tg.messagesTo(R1).at(-1)!.text;
    expect(status, why).toMatch(new RegExp(`chat ${BLOCKED}: receives no alerts`));
    expect(status, why).toMatch(new RegExp(`chat ${GONE}: receives no alerts`));
    expect(status, why).toContain(`chat ${MOVED} became ${SUPERGROUP}`);
    // Nothing was really failing, so nothing is dead; no invocation ran past its time.
    expect(sqs.deadLetters, why).toEqual([]);
    expect(
      esm.invocations.filter((i) => i.overran),
      why,
    ).toEqual([]);
    // And the run was chaotic: every kind of trouble happened, and time ran out in some invocations.
    expect(Math.min(...Object.values(served)), `${why}: ${JSON.stringify(served)}`).toBeGreaterThan(0);
    expect(esm.invocations.filter((i) => i.event.Records.length > 1).length, why).toBeGreaterThan(0);
    const shortOnes = esm.invocations.filter((i) => i.timeoutMs < 30_000 && i.response?.batchItemFailures.length);
    expect(shortOnes.length, why).toBeGreaterThan(0);
  }, 180_000);
});
