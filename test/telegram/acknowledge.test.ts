import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import { telegramUpdate } from '#builders/telegram.js';
import { runCycle } from '#check/run-check.js';
import { buttonPress, buttonsOf, findButton } from '#cli/demo/buttons.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import type { Config } from '#config/schema.js';
import { ACK_CALLBACK, decodeCallback, encodeCallback } from '#contracts/callback-data.js';
import type { SimPosition } from '#local/exchange-simulator/index.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import type { Log } from '#shared/log.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';
import type { AccountStates, StateStore } from '#store/state-store.js';
import { assembleBot } from '#telegram/assemble-bot.js';
import { ACK_ANSWERS, recordAck } from '#telegram/commands/ack.js';
import { createBotHandler, SECRET_HEADER } from '#telegram/handler.js';
import { ALLOWED_UPDATES } from '#telegram/webhook.js';

/*
 * The Acknowledge button, end to end on loopback: the check (against the exchange simulator) sends a
 * critical alert with the button to the Telegram stand-in; the press comes back through the webhook or
 * by long polling; the acknowledgement is kept in the account state, slows the alert's repeats, is said
 * in the next message and in /alerts.
 */

const TOKEN = '555000:ack-test-token-AAAAAAAAAAAAAAAAAAAAAAAAA';
const WEBHOOK_SECRET = 'ack_test_webhook_secret_0123456789';
const KEYS = { apiKey: 'ack-test-api-key-0000000000000000000000000000000000000000000000', apiSecret: 'ack-secret' };
const CHAT = 42;
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 12, 0);
const ANN = { id: CHAT, first_name: 'Ann', username: 'ann_trades' };

/** Two longs 2.5 % from liquidation: critical, under the 3 % rung, so they repeat every 10 min unacknowledged. */
const BTC: SimPosition = {
  symbol: 'BTCUSDT',
  positionAmt: 1,
  entryPrice: 50_000,
  markPrice: 49_231,
  liquidationPrice: 48_000,
};
const ETH: SimPosition = {
  symbol: 'ETHUSDT',
  positionAmt: 2,
  entryPrice: 3_100,
  markPrice: 3_000,
  liquidationPrice: 2_925,
};
const BTC_KEY = 'main|usdm|BTCUSDT|BOTH|liq-distance';

let sim: ExchangeSimulator;
let tg: FakeTelegram;
let dynamo: LocalDynamo;
let exchange: BinanceClient;
let config: Config;
let tables = 0;
const clock = { t: T0 };
const log: Log = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  sim = await startExchangeSimulator({
    accounts: [{ name: 'main', ...KEYS, positions: { usdm: [BTC, ETH] } }],
    now: () => clock.t,
  });
  tg = await startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_ack_bot', now: () => clock.t });
  dynamo = await startLocalDynamo();
  exchange = new BinanceClient({ timeoutMs: 2_000, retries: 0, now: () => clock.t });
  config = parseConfig(
    {
      accounts: [{ name: 'main', sources: ['usdm'], keysEnv: 'KEYS' }],
      telegram: { chatIds: [CHAT], botUsername: 'liqwatch_ack_bot', digest: { enabled: false } },
      endpoints: { usdm: sim.url },
    },
    'test',
  );
});
afterAll(async () => {
  await exchange.close();
  await Promise.all([sim.close(), tg.close(), dynamo.close()]);
});

let store: StateStore;
let bot: Awaited<ReturnType<typeof assembleBot>>;

beforeEach(async () => {
  const table = `ack-${++tables}`;
  await ensureTable(dynamo.client, table);
  clock.t = T0;
  sim.setPositions('main', 'usdm', [BTC, ETH]);
  tg.messages.length = 0;
  store = new DynamoStateStore(dynamo.client, table);
  // The bot on the test's clock, sending at once (no pacing, no waiting out a flood wait).
  const standIns = { apiRoot: tg.apiRoot, token: TOKEN, webhookSecret: WEBHOOK_SECRET };
  bot = await assembleBot({ ...standIns, config, store, exchange, keys, log, now: () => clock.t, ...AT_ONCE });
});

const AT_ONCE = { sleep: async () => {}, perChatGapMs: 0 };
const keys = createKeysProvider({ baseDir: '.', env: { KEYS: JSON.stringify(KEYS) } });

/** One check at the clock's time; its deliveries go straight to the bot's sender. */
async function check(withConfig: Config = config): Promise<void> {
  await runCycle({
    config: withConfig,
    exchange,
    exchangeClock: () => clock.t,
    keys,
    store,
    now: () => clock.t,
    log,
    queue: { send: async (ds) => void (await Promise.all(ds.map((d) => bot.deliver(d)))) },
  });
}

/** An update through the webhook, as Telegram delivers it. */
async function post(update: unknown): Promise<number> {
  const answer = (await createBotHandler(bot)({
    headers: { [SECRET_HEADER]: WEBHOOK_SECRET },
    body: JSON.stringify(update),
  })) as { statusCode: number };
  return answer.statusCode;
}

const texts = () => tg.messagesTo(CHAT).map((m) => m.text);

describe('the Acknowledge button', () => {
  it('sits beside Mute 1h and Mute until resolved under each critical alert, its data within 64 bytes', async () => {
    await check();
    const [m] = tg.messagesTo(CHAT);
    const rows = buttonsOf(m!);
    expect(rows.map((r) => r.map((b) => b.text))).toEqual([
      ['🔇 BTCUSDT 1h', '🔇 BTCUSDT until resolved', '☑️ BTCUSDT Acknowledge'],
      ['🔇 ETHUSDT 1h', '🔇 ETHUSDT until resolved', '☑️ ETHUSDT Acknowledge'],
    ]);
    for (const b of rows.flat()) expect(Buffer.byteLength(b.data)).toBeLessThanOrEqual(64);
    expect(decodeCallback(rows[0]![2]!.data)).toMatchObject({ kind: 'ack' });
    expect(decodeCallback(encodeCallback({ kind: 'ack', ref: 'abcdef123456' }))).toEqual({
      kind: 'ack',
      ref: 'abcdef123456',
    });
  });

  it('pressed through the webhook: kept in the state, the repeats slow down, the next message and /alerts say who', async () => {
    // Prepare: both alerts fire at T0.
    await check();
    const btcAck = buttonsOf(tg.messagesTo(CHAT)[0]!)[0]!.find((b) => ACK_CALLBACK.test(b.data))!;
    // Act: Ann presses BTC's Acknowledge a minute later.
    clock.t = T0 + MIN;
    expect(await post(buttonPress(tg.messagesTo(CHAT)[0]!, btcAck, ANN, clock.t))).toBe(200);
    // Assess: the answer, and the account state.
    expect(tg.callbackAnswers.at(-1)?.text).toBe(ACK_ANSWERS.acknowledged);
    expect(tg.callbackAnswers.at(-1)?.text).toBe('Acknowledged: repeats slow down; a new rung down is still told');
    const { state } = await store.loadAccount('main');
    expect(state?.alerts[BTC_KEY]?.ack).toEqual({ by: '@ann_trades', at: T0 + MIN });

    // /alerts says who acknowledged what, when, and how deep each alert is.
    expect(await post(telegramUpdate.command('/alerts', { id: CHAT }))).toBe(200);
    const alerts = texts().at(-1)!;
    expect(alerts).toMatch(
      /BTCUSDT LONG is 2\.5% from liquidation.*⬇️ under 3 %\n {3}☑️ acknowledged by @ann_trades at 12:01 UTC/,
    );
    expect(alerts).toMatch(/ETHUSDT LONG is 2\.5% from liquidation.*⬇️ under 3 %$/m);

    // Under 3 % an alert repeats every 10 min; acknowledged, at the critical tier's 30 min.
    tg.messages.length = 0;
    for (const minutes of [10, 20, 30]) {
      clock.t = T0 + minutes * MIN;
      await check();
    }
    const repeats = texts();
    expect(repeats.filter((t) => t.includes('ETHUSDT LONG is 2.5%'))).toHaveLength(3);
    expect(repeats.filter((t) => t.includes('BTCUSDT LONG is 2.5%'))).toHaveLength(1);
    const btcRepeat = tg.messagesTo(CHAT).at(-1)!;
    expect(btcRepeat.text).toContain('still firing');
    expect(btcRepeat.text).toContain('☑️ acknowledged by @ann_trades 29 min ago');
    // Acknowledged once is enough: no Acknowledge under it again, Mute still there.
    const btcRow = buttonsOf(btcRepeat).find((row) => row.some((b) => b.text.includes('BTCUSDT')))!;
    expect(btcRow.map((b) => b.text)).toEqual(['🔇 BTCUSDT 1h', '🔇 BTCUSDT until resolved']);

    // A new rung down is still told at once, and says who acknowledged.
    tg.messages.length = 0;
    clock.t = T0 + 31 * MIN;
    sim.setPositions('main', 'usdm', [{ ...BTC, markPrice: 48_700 }, ETH]);
    await check();
    const [deeper] = texts();
    expect(deeper).toMatch(/^🔴 <b>deeper: 1\.4 % from liquidation<\/b> · main usdm\n/);
    expect(deeper).toContain('☑️ acknowledged by @ann_trades 30 min ago');
  });

  it('pressed through the Bot API stand-in, by long polling, is recorded the same way', async () => {
    await check();
    const found = findButton(tg.messages, CHAT, ACK_CALLBACK)!;
    // The bot reads updates from the stand-in with getUpdates, as `npm start` with a token does.
    const polling = bot.bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] });
    try {
      await tg.nextPoll();
      const press = buttonPress(found.message, found.button, { id: CHAT, first_name: 'Bo<b>' }, clock.t);
      tg.pushUpdate(press);
      const answer = () => tg.callbackAnswers.find((a) => a.callbackQueryId === press.callback_query.id);
      await expect.poll(() => answer()?.text, { timeout: 5_000 }).toBe(ACK_ANSWERS.acknowledged);
    } finally {
      bot.bot.stop('test over');
      await polling.catch(() => {});
    }
    const { state } = await store.loadAccount('main');
    expect(Object.values(state!.alerts).filter((a) => a.ack)).toMatchObject([{ ack: { by: 'Bo<b>', at: T0 } }]);
  });

  it('the daily digest shows each alert firing with its depth and who acknowledged it', async () => {
    // Prepare: the alerts fire, Ann acknowledges BTC's, BTC goes under the 2 % rung.
    await check();
    const found = findButton(tg.messages, CHAT, ACK_CALLBACK)!;
    clock.t = T0 + MIN;
    await post(buttonPress(found.message, found.button, ANN, clock.t));
    sim.setPositions('main', 'usdm', [{ ...BTC, markPrice: 48_700 }, ETH]);
    // Act: a check at the digest's time.
    clock.t = T0 + 2 * MIN;
    await check({ ...config, telegram: { ...config.telegram, digest: { enabled: true, at: '12:00' } } });
    // Assess
    const digest = texts().find((t) => t.startsWith('📋 <b>Daily digest</b>'));
    expect(digest).toMatch(
      /🔴 BTCUSDT LONG is 1\.44% [^\n]* · ⬇️ under 2 %\n {3}☑️ acknowledged by @ann_trades at 12:01 UTC/,
    );
    expect(digest).toMatch(/🔴 ETHUSDT LONG is 2\.5% [^\n]* · ⬇️ under 3 %$/m);
  });

  it('a press on an alert no longer firing says so and records nothing', async () => {
    await check();
    const found = findButton(tg.messages, CHAT, ACK_CALLBACK)!;
    sim.setPositions('main', 'usdm', [
      { ...BTC, markPrice: 60_000 },
      { ...ETH, markPrice: 3_900 },
    ]);
    // Clear for longer than the hold-down: the alerts resolve.
    for (const minutes of [60, 100]) {
      clock.t = T0 + minutes * MIN;
      await check();
    }
    expect(texts().at(-1)).toContain('RESOLVED');
    await post(buttonPress(found.message, found.button, ANN, clock.t));
    expect(tg.callbackAnswers.at(-1)?.text).toBe('That alert is no longer firing.');
  });
});

describe('the acknowledgement and the check write the same account state', () => {
  /** The account states, with a check saving the account between the bot's read and its write, `times` times. */
  function racing(times: number): AccountStates {
    let left = times;
    return {
      async loadAccount(account) {
        const read = await store.loadAccount(account);
        if (left-- > 0 && read.state) await store.saveAccount({ ...read.state, lastCycleAt: clock.t }, read.version);
        return read;
      },
      saveAccount: (state, version) => store.saveAccount(state, version),
    };
  }
  const refOf = (data: string) => (decodeCallback(data) as { kind: 'ack'; ref: string }).ref;

  it('a lost race is tried again once on what the check wrote', async () => {
    await check();
    const ref = refOf(findButton(tg.messages, CHAT, ACK_CALLBACK)!.button.data);
    const outcome = await recordAck({ config, now: () => clock.t, log, store: racing(1) }, ref, 'Ann');
    expect(outcome).toBe('acknowledged');
    const { state } = await store.loadAccount('main');
    expect(Object.values(state!.alerts).filter((a) => a.ack)).toHaveLength(1);
  });

  it('two lost races in a row are reported, not taken as done', async () => {
    await check();
    const ref = refOf(findButton(tg.messages, CHAT, ACK_CALLBACK)!.button.data);
    const outcome = await recordAck({ config, now: () => clock.t, log, store: racing(2) }, ref, 'Ann');
    expect(outcome).toBe('busy');
    expect(ACK_ANSWERS.busy).toMatch(/^Not recorded/);
    const { state } = await store.loadAccount('main');
    expect(Object.values(state!.alerts).filter((a) => a.ack)).toHaveLength(0);
  });
});
