import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import { CROSS_HEDGE, CROSS_WALLET, PM_ETH, PM_WALLET } from '#builders/risk-books.js';
import { telegramUpdate } from '#builders/telegram.js';
import { runCycle } from '#check/run-check.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import type { Delivery } from '#contracts/queue-message.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import type { Log } from '#shared/log.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';
import { assembleBot } from '#telegram/assemble-bot.js';
import { createBotHandler, SECRET_HEADER } from '#telegram/handler.js';

/*
 * Each account's margin numbers in the bot's answers, against the exchange simulator: /positions reads
 * them live, /status and the digest show what the check read, /rules the account rules in force.
 */

const TOKEN = '777001:risk-views-token-NEVER-LOGGED-AAAAAAAAAAAAAA';
const WEBHOOK_SECRET = 'risk-views-webhook-secret-0123456789';
const MAIN = { apiKey: 'risk-views-main-key-0000000000000000', apiSecret: 'risk-views-main-secret-111111111111' };
const PM = { apiKey: 'risk-views-pm-key-22222222222222222222', apiSecret: 'risk-views-pm-secret-3333333333333333' };
const CHAT = 42;
/** 08:00 UTC: the digest's time. */
const T = Date.UTC(2026, 0, 5, 8, 0);
const MIN = 60_000;

let sim: ExchangeSimulator;
let tg: FakeTelegram;
let dynamo: LocalDynamo;
let exchange: BinanceClient;
let tables = 0;
const quiet: Log = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  sim = await startExchangeSimulator({
    accounts: [
      {
        name: 'main',
        ...MAIN,
        hedgeMode: true,
        positions: { usdm: CROSS_HEDGE, 'usdm-ws': CROSS_HEDGE },
        wallets: CROSS_WALLET,
      },
      { name: 'pm', ...PM, positions: { 'pm-um': PM_ETH }, wallets: PM_WALLET },
    ],
  });
  tg = await startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_risk_bot' });
  dynamo = await startLocalDynamo();
  exchange = new BinanceClient({ timeoutMs: 2_000, retries: 0 });
});
afterAll(async () => {
  await exchange.close();
  await sim.close();
  await tg.close();
  await dynamo.close();
});
beforeEach(() => {
  tg.messages.length = 0;
});
afterEach(() => sim.clearFaults());

/** A bot and a check on one fresh table, on a clock the test moves. */
async function setup() {
  const tableName = `risk-views-${++tables}`;
  await ensureTable(dynamo.client, tableName);
  const clock = { t: T };
  const config = parseConfig(
    {
      accounts: [
        { name: 'main', sources: ['usdm', 'usdm-ws'], keysEnv: 'KEYS_MAIN' },
        { name: 'pm', sources: ['pm-um', 'pm-cm'], keysEnv: 'KEYS_PM' },
      ],
      telegram: { chatIds: [CHAT], botUsername: 'liqwatch_risk_bot', digest: { at: '08:00' } },
      endpoints: { usdm: sim.url, 'usdm-ws': sim.wsUrl, 'pm-um': sim.url, 'pm-cm': sim.url },
    },
    'test',
  );
  const keys = createKeysProvider({
    baseDir: '.',
    env: { KEYS_MAIN: JSON.stringify(MAIN), KEYS_PM: JSON.stringify(PM) },
  });
  const store = new DynamoStateStore(dynamo.client, tableName);
  const bot = await assembleBot({
    config,
    store,
    exchange,
    keys,
    token: TOKEN,
    webhookSecret: WEBHOOK_SECRET,
    apiRoot: tg.apiRoot,
    log: quiet,
    now: () => clock.t,
    sleep: async () => {},
    perChatGapMs: 0,
  });
  const handler = createBotHandler(bot);
  const sent: Delivery[] = [];
  const check = () =>
    runCycle({
      config,
      exchange,
      keys,
      store,
      queue: { send: async (d) => void sent.push(...d) },
      now: () => clock.t,
      log: quiet,
    });
  const command = async (text: string) => {
    tg.messages.length = 0;
    await handler({
      headers: { [SECRET_HEADER]: WEBHOOK_SECRET },
      body: JSON.stringify(telegramUpdate.command(text, { id: CHAT })),
    });
    return tg
      .messagesTo(CHAT)
      .map((m) => m.text)
      .join('\n');
  };
  return { clock, handler, sent, check, command };
}

describe('/positions', () => {
  it("opens with each account's numbers: the ratio and its tier, equity, maintenance margin, the way back", async () => {
    const { command } = await setup();
    const text = await command('/positions');
    const [head, numbers, firstLeg] = text.split('\n\n');
    expect(head).toMatch(/^📊 <b>5 open positions<\/b>/);
    expect(numbers!.split('\n')).toEqual([
      '🟠 main usdm · margin ratio 80 % (warning) · equity 750 USDT · maint 600 USDT · add 107.15 USDT of margin, or reduce positions by 13 %, to be back under 70 %',
      '🟠 pm pm · uniMMR 1.40 (warning) · equity 2,100 USD · maint 1,500 USD · MARGIN_CALL · add 150 USD of equity, or reduce positions by 7 %, to be back over 1.5',
    ]);
    // The account warns while every leg is far from its own liquidation price.
    expect(firstLeg).toMatch(/^🟢 <b>ETHUSDT<\/b>/);
  });

  it('an account page that cannot be read is a line saying so, above the positions it did not stop', async () => {
    const { command } = await setup();
    sim.injectFault({ source: 'pm-um', path: '/papi/v1/account', times: Infinity }, { kind: 'malformed' });
    const text = await command('/positions pm');
    expect(text).toMatch(
      /\n⚠️ pm pm-um · account numbers not read: GET \/papi\/v1\/account: HTTP 200 [^\n]+\n\n🟢 <b>ETHUSDT<\/b>/,
    );
    expect(text.match(/\/papi\/v1\/account/g)).toHaveLength(1);
    expect(text).not.toContain('uniMMR');
  });
});

describe('/status', () => {
  it('shows the numbers the check read, and each account read beside its source; when one fails, since when', async () => {
    const { clock, check, command } = await setup();
    await check();
    clock.t += MIN;
    const first = await command('/status');
    expect(first).toContain(
      '<b>main</b> · checked 1 min ago\n🟠 main usdm · margin ratio 80 % (warning) · equity 750 USDT · maint 600 USDT',
    );
    expect(first).toContain('🟢 usdm: ok, 2 open · account numbers ok\n🟢 usdm-ws: ok, 2 open · account numbers ok');
    expect(first).toContain('🟠 pm pm · uniMMR 1.40 (warning)');
    // Prepare: the Portfolio Margin page answers nothing readable at the next check.
    sim.injectFault({ source: 'pm-um', path: '/papi/v1/account', times: Infinity }, { kind: 'malformed' });
    await check();
    clock.t += 2 * MIN;
    // Act
    const second = await command('/status');
    // Assess: the last numbers, with when they were read, and the read that failed since.
    expect(second).toMatch(/🟠 pm pm · uniMMR 1\.40 \(warning\) · [^\n]* <i>\(read 3 min ago\)<\/i>/);
    expect(second).toMatch(
      /🔴 pm-um account numbers: failed 1× in a row, last ok 3 min ago\n {3}pm pm-um GET \/papi\/v1\/account: HTTP 200/,
    );
    expect(second).toContain('🟢 pm-um: ok, 1 open\n');
  });
});

describe('the daily digest', () => {
  it("carries each account's numbers through the queue to the chat", async () => {
    const { check, sent, handler } = await setup();
    await check();
    const digest = sent.find((d) => d.kind === 'digest');
    expect(digest?.kind === 'digest' && digest.digest.accounts.map((a) => a.risks?.map((r) => r.tier))).toEqual([
      ['warning'],
      ['warning'],
    ]);
    await handler({
      Records: [{ messageId: 'm0', body: JSON.stringify(digest), attributes: { MessageGroupId: String(CHAT) } }],
    } as never);
    const [message] = tg.messagesTo(CHAT);
    expect(message!.text).toMatch(
      /<b>main<\/b>: 4 open positions, last check \d+ s ago\n🟠 main usdm · margin ratio 80 % \(warning\)/,
    );
    expect(message!.text).toMatch(/<b>pm<\/b>: 1 open position, [^\n]*\n🟠 pm pm · uniMMR 1\.40 \(warning\)/);
  });
});

describe('/rules', () => {
  it('states the account rules in force', async () => {
    const { command } = await setup();
    const text = await command('/rules');
    expect(text).toContain('Margin ratio (cross): warning ≥ 70%, critical ≥ 85% (ends 5 pt under)');
    expect(text).toContain('uniMMR (Portfolio Margin): warning ≤ 1.5, critical ≤ 1.2 (ends 0.05 above)');
  });
});
