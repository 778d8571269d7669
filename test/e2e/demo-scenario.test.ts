import { randomBytes } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import { SqsAlertQueue } from '#check/alert-queue.js';
import { createCheckHandler } from '#check/handler.js';
import { DEMO_ACCOUNT, DEMO_STEPS, demoAccount } from '#cli/demo/scenario.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import { htmlToTerminal } from '#core/format/terminal.js';
import { SOURCE_IDS } from '#core/position.js';
import { type FakeSqs, startFakeSqs } from '#fakes/sqs/index.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';
import { assembleBot } from '#telegram/assemble-bot.js';
import { createBotHandler } from '#telegram/handler.js';

/*
 * The whole product on loopback: the demo scenario moves the simulated exchange, the check handler
 * reads it and enqueues on SQS (the real client, a local stand-in), the bot handler takes the batch
 * and sends to Telegram (a local stand-in that fails some sends). What the trader's phone shows must be
 * exactly the story, in order, each message once.
 */

const TOKEN = '31337:e2e-token-AAAAAAAAAAAAAAAAAAAAAAAAAA';
const CHAT = 4242;
const apiKey = randomBytes(32).toString('hex');
const apiSecret = randomBytes(32).toString('hex');

let sim: ExchangeSimulator;
let sqs: FakeSqs;
let tg: FakeTelegram;
let dynamo: LocalDynamo;
let exchange: BinanceClient;
let sqsClient: SQSClient;

beforeAll(async () => {
  sim = await startExchangeSimulator({ accounts: [demoAccount(apiKey, apiSecret)] });
  sqs = await startFakeSqs({ fifo: true });
  tg = await startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_e2e_bot' });
  dynamo = await startLocalDynamo();
  exchange = new BinanceClient({ timeoutMs: 2_000 });
  sqsClient = new SQSClient({
    endpoint: sqs.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  sqsClient.destroy();
  await exchange.close();
  await Promise.all([sim.close(), sqs.close(), tg.close(), dynamo.close()]);
});

describe('end to end: exchange → check → SQS → bot → Telegram', () => {
  it('tells the demo story once, in order, although Telegram fails some sends', async () => {
    const config = parseConfig(
      {
        accounts: [{ name: DEMO_ACCOUNT, sources: [...SOURCE_IDS], keysEnv: 'DEMO_KEYS' }],
        telegram: { chatIds: [CHAT], botUsername: 'liqwatch_e2e_bot', digest: { enabled: false } },
        endpoints: Object.fromEntries(SOURCE_IDS.map((s) => [s, s === 'usdm-ws' ? sim.wsUrl : sim.url])),
      },
      'e2e',
    );
    const clock = { t: Date.UTC(2026, 0, 5, 12, 0) };
    const store = new DynamoStateStore(dynamo.client, dynamo.tableName);
    const keys = createKeysProvider({ baseDir: '.', env: { DEMO_KEYS: JSON.stringify({ apiKey, apiSecret }) } });
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    const check = createCheckHandler({
      config,
      exchange,
      keys,
      store,
      queue: new SqsAlertQueue(sqsClient, sqs.queueUrl),
      now: () => clock.t,
      log,
      pollSeconds: 0,
    });
    const bot = createBotHandler(
      await assembleBot({
        config,
        store,
        exchange,
        keys,
        token: TOKEN,
        webhookSecret: 'e2e_webhook_secret_000000',
        apiRoot: tg.apiRoot,
        log,
        now: () => clock.t,
        sleep: async () => {},
        perChatGapMs: 0,
      }),
    );
    const context = { getRemainingTimeInMillis: () => 60_000 };

    for (const [i, step] of DEMO_STEPS.entries()) {
      for (const [source, positions] of Object.entries(step.positions)) {
        sim.setPositions(DEMO_ACCOUNT, source as (typeof SOURCE_IDS)[number], positions);
      }
      // Telegram has a bad moment while the position is critical, and another a step later.
      if (i === 3) tg.failNext('sendMessage', { kind: 'retryAfter', seconds: 30 }, { chatId: CHAT });
      if (i === 4)
        tg.failNext('sendMessage', { kind: 'status', code: 502, description: 'Bad Gateway' }, { chatId: CHAT });
      await check({}, context);
      // SQS hands the batch to the bot; what it reports failed comes back with the next batch.
      const event = sqs.takeEvent();
      const { batchItemFailures } = (await bot(event)) as { batchItemFailures: { itemIdentifier: string }[] };
      sqs.requeue(batchItemFailures.map((f) => f.itemIdentifier));
      clock.t += 60_000;
    }
    // One more batch for what failed last.
    await bot(sqs.takeEvent());

    const phone = tg.messagesTo(CHAT).map((m) => htmlToTerminal(m.text, false));
    expect(phone).toEqual([
      '🟠 WARNING · demo usdm\nBTCUSDT LONG is 11.93% from liquidation (mark 54500, liquidation 48000)',
      '🟠 WARNING · demo usdm\nNew hedge leg: ETHUSDT SHORT -2 opened while the LONG leg is open',
      '🔴 CRITICAL · escalated · demo usdm\nBTCUSDT LONG is 5.88% from liquidation (mark 51000, liquidation 48000)',
      '🟠 WARNING · demo coinm\nBTCUSD_PERP LONG leverage 25x is above the cap of 20x',
      '✅ RESOLVED · demo usdm\nBTCUSDT LONG is back to 17.24% from liquidation (mark 58000) (fired 5 min ago)',
      '✅ RESOLVED · demo coinm\nBTCUSD_PERP LONG leverage is 10x, within the cap of 20x (fired 3 min ago)',
    ]);
    // The critical one rang; warnings too (no chat setting makes them silent); the failed sends were retried.
    expect(tg.messagesTo(CHAT)[2]!.disableNotification).toBe(false);
    expect(tg.calls.filter((c) => c.method === 'sendMessage' && c.status !== 200)).toHaveLength(2);
    expect(sqs.messages).toHaveLength(0);
  });
});
