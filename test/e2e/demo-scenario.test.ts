import { randomBytes } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import { SqsAlertQueue } from '#check/alert-queue.js';
import { createCheckHandler } from '#check/handler.js';
import { buttonPress, findButton } from '#cli/demo/buttons.js';
import { applyDemoStep, DEMO_ACCOUNT, DEMO_RULES, DEMO_STEPS, demoAccount } from '#cli/demo/scenario.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import { ACK_CALLBACK } from '#contracts/callback-data.js';
import { htmlToTerminal } from '#core/format/terminal.js';
import { SOURCE_IDS } from '#core/position.js';
import { type FakeSqs, startFakeSqs } from '#fakes/sqs/index.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';
import { assembleBot } from '#telegram/assemble-bot.js';
import { createBotHandler, SECRET_HEADER } from '#telegram/handler.js';

/*
 * The whole product on loopback: the demo scenario moves the simulated exchange, the check handler
 * reads it and enqueues on SQS (the real client, a local stand-in), the bot handler takes the batch
 * and sends to Telegram (a local stand-in that fails some sends). What the trader's phone shows must be
 * exactly the story, in order, each message once.
 */

const TOKEN = '31337:e2e-token-AAAAAAAAAAAAAAAAAAAAAAAAAA';
const CHAT = 4242;
const WEBHOOK_SECRET = 'e2e_webhook_secret_000000';
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
        rules: DEMO_RULES,
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
        webhookSecret: WEBHOOK_SECRET,
        apiRoot: tg.apiRoot,
        log,
        now: () => clock.t,
        sleep: async () => {},
        perChatGapMs: 0,
      }),
    );
    const context = { getRemainingTimeInMillis: () => 60_000 };

    for (const [i, step] of DEMO_STEPS.entries()) {
      applyDemoStep(sim, step);
      // The trader presses Acknowledge under the newest critical alert; Telegram posts the press to the webhook.
      if (step.acknowledge) {
        const found = findButton(tg.messages, CHAT, ACK_CALLBACK);
        expect(found, 'an Acknowledge button to press').toBeDefined();
        const press = buttonPress(
          found!.message,
          found!.button,
          { id: CHAT, first_name: 'Ann', username: 'ann' },
          clock.t,
        );
        const answer = await bot({ headers: { [SECRET_HEADER]: WEBHOOK_SECRET }, body: JSON.stringify(press) });
        expect(answer).toEqual({ statusCode: 200 });
        expect(tg.callbackAnswers.at(-1)?.text).toBe('Acknowledged: repeats slow down; a new rung down is still told');
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
      '🟠 WARNING · demo usdm\nBTCUSDT LONG is 11.93% from liquidation (mark 54500, liquidation 48000), −8.1 points in 1 min; at this pace liquidation in ~1 min',
      '🔴 CRITICAL · escalated · demo usdm\nBTCUSDT LONG is 5.88% from liquidation (mark 51000, liquidation 48000), −14.1 points in 2 min; at this pace liquidation in under a minute\n\n🟠 WARNING · demo usdm\nNew hedge leg: ETHUSDT SHORT 2 opened while the LONG leg is open',
      // Deeper under the 5 % rung, told at once, whatever the repeat timer says.
      '🔴 deeper: 4.6 % from liquidation · demo usdm\nBTCUSDT LONG is 4.57% from liquidation (mark 50300, liquidation 48000), −15.4 points in 3 min; at this pace liquidation in under a minute',
      // Acknowledged, and a new rung down is still told, saying who acknowledged it.
      '🔴 deeper: 2.5 % from liquidation · demo usdm\nBTCUSDT LONG is 2.54% from liquidation (mark 49250, liquidation 48000), −17.5 points in 4 min; at this pace liquidation in under a minute\n☑️ acknowledged by @ann just now',
      // The exchange's force order confirms the liquidation: told as such, never as a quiet resolve.
      '🔴 LIQUIDATED · demo usdm\nBTCUSDT LONG LIQUIDATED: 0.5 at 48000\n☑️ acknowledged by @ann 1 min ago',
      '🟠 WARNING · demo coinm\nBTCUSD_PERP LONG leverage 25x is above the cap of 20x',
      '✅ RESOLVED · demo coinm\nBTCUSD_PERP LONG leverage is 10x, within the cap of 20x (fired 1 min ago)',
      // The USDⓈ-M book's margin ratio climbs with no leg near its own liquidation price, and margin added
      // ends it (the demo's hold-down is 0).
      '🟠 WARNING · demo usdm\nMargin ratio 82.7 % (maintenance margin 3,061 of 3,700 USDT margin balance; liquidation at 100 %): add 672.86 USDT of margin, or reduce positions by 16 %, to be back under 70 %',
      '🔴 CRITICAL · escalated · demo usdm\nMargin ratio 86.8 % (maintenance margin 3,211 of 3,700 USDT margin balance; liquidation at 100 %): add 887.15 USDT of margin, or reduce positions by 20 %, to be back under 70 %',
      '✅ RESOLVED · demo usdm\nMargin ratio is back to 36.9 % (fired 2 min ago)',
      // The Portfolio Margin account down the uniMMR ladder, its status following, and back.
      '🟠 WARNING · demo pm-um\nuniMMR 1.38 (equity 3,931 USD, maintenance margin 2,850 USD; the exchange goes reduce-only at 1.2 and liquidates at 1.05): add 343.97 USD of equity, or reduce positions by 9 %, to be back over 1.5\n\n🟠 WARNING · demo pm-um\nAccount status MARGIN_CALL: margin call: the exchange asks for more margin',
      '🔴 CRITICAL · escalated · demo pm-um\nuniMMR 1.15 (equity 3,310 USD, maintenance margin 2,880 USD; the exchange goes reduce-only at 1.2 and liquidates at 1.05): add 1,010 USD of equity, or reduce positions by 24 %, to be back over 1.5\n\n🔴 CRITICAL · escalated · demo pm-um\nAccount status REDUCE_ONLY: reduce-only: the exchange takes only orders that reduce positions',
      '🔴 deeper: uniMMR 1.07 · demo pm-um\nuniMMR 1.07 (equity 3,103 USD, maintenance margin 2,890 USD; the exchange goes reduce-only at 1.2 and liquidates at 1.05): add 1,232 USD of equity, or reduce positions by 29 %, to be back over 1.5',
      '🔴 deeper: uniMMR 1.04 · demo pm-um\nuniMMR 1.04 (equity 3,000 USD, maintenance margin 2,895 USD): liquidation is under way: once the exchange has started it, a deposit does not stop it\n\n🔴 deeper: ACTIVE_LIQUIDATION · demo pm-um\nAccount status ACTIVE_LIQUIDATION: the exchange is liquidating the account by hand',
      '✅ RESOLVED · demo pm-um\nuniMMR is back to 1.73 (fired 4 min ago)\n\n✅ RESOLVED · demo pm-um\nAccount status is NORMAL again (fired 4 min ago)',
    ]);
    // The critical ones rang; warnings too (no chat setting makes them silent); the resolutions came quietly.
    const sent = tg.messagesTo(CHAT);
    const quiet = sent.map((m, i) => (m.disableNotification ? i : -1)).filter((i) => i >= 0);
    expect(quiet).toEqual([6, 9, 14]);
    // Acknowledge under a critical alert until it was acknowledged; none under the liquidation.
    const acks = sent.map((m, i) => (JSON.stringify(m.replyMarkup ?? null).includes('"ack:') ? i : -1));
    expect(acks.filter((i) => i >= 0)).toEqual([1, 2, 8, 11, 12, 13]);
    // The failed sends were retried.
    expect(tg.calls.filter((c) => c.method === 'sendMessage' && c.status !== 200)).toHaveLength(2);
    expect(sqs.messages).toHaveLength(0);
  });
});
