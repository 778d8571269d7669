import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import { buildAlert } from '#builders/alert.js';
import { telegramUpdate } from '#builders/telegram.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import type { Delivery } from '#contracts/queue-message.js';
import type { AccountState } from '#core/alerts.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import type { Log } from '#shared/log.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';
import { assembleBot } from '#telegram/assemble-bot.js';
import { greetChats } from '#telegram/deploy-greeting.js';
import { createBotHandler, SECRET_HEADER } from '#telegram/handler.js';

/*
 * Each chat reads clock times in its own zone: the same acknowledgement, made at 12:00 UTC, reads 12:00 UTC
 * in a chat without a zone and 21:00 Asia/Tokyo in a chat that names Tokyo, in /alerts and in the digest
 * the bot renders from the queue.
 */

const TOKEN = '424242:zone-test-token-AAAAAAAAAAAAAAAAAAAAAAAA';
const WEBHOOK_SECRET = 'zone_test_webhook_secret_0123456789';
const KEYS = { apiKey: 'zone-test-api-key-000000000000000000000000000000000000000000000', apiSecret: 'zone-secret' };
const UTC_CHAT = 42;
const TOKYO_CHAT = 43;
const T = Date.UTC(2026, 0, 5, 12, 0);
const HOUR = 3_600_000;
const ACK = { by: '@ann', at: T };

let tg: FakeTelegram;
let dynamo: LocalDynamo;
let exchange: BinanceClient;
let tables = 0;
const log: Log = { info: () => {}, warn: () => {}, error: () => {} };
const config = parseConfig(
  {
    accounts: [{ name: 'main', sources: ['usdm'], keysEnv: 'KEYS' }],
    telegram: {
      chatIds: [UTC_CHAT],
      chats: [{ id: TOKYO_CHAT, timeZone: 'Asia/Tokyo' }],
      botUsername: 'liqwatch_zone_bot',
    },
  },
  'test',
);

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_zone_bot', now: () => T });
  dynamo = await startLocalDynamo();
  // Built for the bot's deps; nothing here reads positions.
  exchange = new BinanceClient({ timeoutMs: 2_000, retries: 0, now: () => T });
});
afterAll(async () => {
  await exchange.close();
  await Promise.all([tg.close(), dynamo.close()]);
});

let bot: Awaited<ReturnType<typeof assembleBot>>;

beforeEach(async () => {
  const table = `zone-${++tables}`;
  await ensureTable(dynamo.client, table);
  tg.messages.length = 0;
  bot = await assembleBot({
    config,
    store: new DynamoStateStore(dynamo.client, table),
    exchange,
    keys: createKeysProvider({ baseDir: '.', env: { KEYS: JSON.stringify(KEYS) } }),
    token: TOKEN,
    webhookSecret: WEBHOOK_SECRET,
    apiRoot: tg.apiRoot,
    log,
    now: () => T,
    sleep: async () => {},
    perChatGapMs: 0,
  });
});

const textTo = (chatId: number) =>
  tg
    .messagesTo(chatId)
    .map((m) => m.text)
    .join('\n');

describe("clock times in each chat's own zone", () => {
  it('/alerts: the acknowledgement reads 12:00 UTC in one chat and 21:00 Asia/Tokyo in the other', async () => {
    // Prepare: BTC critical, acknowledged at 12:00 UTC.
    const state: AccountState = {
      account: 'main',
      legs: {},
      health: {},
      alerts: { b: { alert: buildAlert(), since: T - HOUR, told: {}, ack: ACK } },
      lastCycleAt: T,
    };
    const { version } = await bot.store.loadAccount('main');
    expect(await bot.store.saveAccount(state, version)).toBe(true);
    // Act
    const handler = createBotHandler(bot);
    for (const chatId of [UTC_CHAT, TOKYO_CHAT]) {
      await handler({
        headers: { [SECRET_HEADER]: WEBHOOK_SECRET },
        body: JSON.stringify(telegramUpdate.command('/alerts', { id: chatId })),
      });
    }
    // Assess
    expect(textTo(UTC_CHAT)).toContain('☑️ acknowledged by @ann at 12:00 UTC');
    expect(textTo(TOKYO_CHAT)).toContain('☑️ acknowledged by @ann at 21:00 Asia/Tokyo');
  });

  it('the digest from the queue: each chat reads the acknowledgement in its zone', async () => {
    // Prepare: the check's digest, one queue message per chat, alike but for the chat.
    const digest = (chatId: number): Delivery => ({
      id: `digest-${chatId}-2026-01-05`,
      kind: 'digest',
      chatId,
      at: T,
      silent: true,
      digest: {
        accounts: [
          {
            account: 'main',
            lastCycleAt: T,
            sources: [{ source: 'usdm', failures: 0, lastOkAt: T, openPositions: 1 }],
            firing: [{ ...buildAlert(), rung: null, ack: ACK }],
          },
        ],
      },
    });
    // Act
    await createBotHandler(bot)({
      Records: [UTC_CHAT, TOKYO_CHAT].map((chatId, i) => ({
        messageId: `m${i}`,
        receiptHandle: `r${i}`,
        body: JSON.stringify(digest(chatId)),
        attributes: { MessageGroupId: String(chatId), ApproximateReceiveCount: '1' },
      })),
    } as never);
    // Assess
    expect(textTo(UTC_CHAT)).toContain('☑️ acknowledged by @ann at 12:00 UTC');
    expect(textTo(TOKYO_CHAT)).toContain('☑️ acknowledged by @ann at 21:00 Asia/Tokyo');
  });

  it("the deploy's first message tells the next digest in each chat's zone", async () => {
    // Prepare: the digest at 08:00 UTC, so next at 08:00 UTC tomorrow, 17:00 in Tokyo.
    const sent: { chatId: number; text: string }[] = [];
    const telegram = {
      sendMessage: async (chatId: number | string, text: string) => {
        sent.push({ chatId: Number(chatId), text });
        return {} as never;
      },
    };
    // Act
    await greetChats(config, { telegram, log, sleep: async () => {}, now: () => T, token: TOKEN });
    // Assess
    expect(sent.map((m) => [m.chatId, m.text.split(';')[1]?.split('.')[0]])).toEqual([
      [UTC_CHAT, ' next digest at 08:00 UTC'],
      [TOKYO_CHAT, ' next digest at 17:00 Asia/Tokyo'],
    ]);
  });
});
