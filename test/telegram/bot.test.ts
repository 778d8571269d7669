import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import { telegramUpdate } from '#builders/telegram.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import type { AlertDelivery, Delivery } from '#contracts/queue-message.js';
import type { Mute } from '#core/mutes.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { parseTelegramHtml } from '#local/telegram-bot-api/html.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import type { Log } from '#shared/log.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';
import { assembleBot } from '#telegram/assemble-bot.js';
import { createBotHandler, SECRET_HEADER } from '#telegram/handler.js';

const TOKEN = '777000:bot-test-token-NEVER-LOGGED-AAAAAAAAAAAAA';
const WEBHOOK_SECRET = 'webhook-secret-NEVER-LOGGED-0123456789';
const API_KEY = 'bot-test-api-key-00000000000000000000000000000000000000000000000000';
const API_SECRET = 'bot-test-api-secret-NEVER-LOGGED-11111111111111111111111111111111';
const PRIVATE = 42;
const GROUP = -100200;
const TRADER = 7;
const STRANGER = 999;
const FORUM = -100300;
const TOPIC = 9;

/** The account's book: BTC long 7.7% from liquidation, ETH short far from it. */
const BOOK = [
  {
    symbol: 'BTCUSDT',
    positionAmt: 0.5,
    entryPrice: 60_000,
    markPrice: 52_000,
    liquidationPrice: 48_000,
    leverage: 10,
  },
  { symbol: 'ETHUSDT', positionAmt: -3, entryPrice: 3_000, markPrice: 3_000, liquidationPrice: 4_000, leverage: 5 },
];

let sim: ExchangeSimulator;
let tg: FakeTelegram;
let dynamo: LocalDynamo;
let exchange: BinanceClient;
let deps: Awaited<ReturnType<typeof assembleBot>>;
let handler: ReturnType<typeof createBotHandler>;
let tables = 0;
const logged: string[] = [];
const log: Log = {
  info: (m, ...x) => void logged.push(m + JSON.stringify(x)),
  warn: (m, ...x) => void logged.push(m + JSON.stringify(x)),
  error: (m, ...x) => void logged.push(m + JSON.stringify(x)),
};

beforeAll(async () => {
  sim = await startExchangeSimulator({
    accounts: [
      {
        name: 'main',
        apiKey: API_KEY,
        apiSecret: API_SECRET,
        positions: {
          usdm: BOOK,
        },
      },
    ],
  });
  CONFIG.endpoints.usdm = sim.url;
  tg = await startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_test_bot' });
  dynamo = await startLocalDynamo();
  exchange = new BinanceClient({ timeoutMs: 2_000, retries: 0 });
});
afterAll(async () => {
  await exchange.close();
  await sim.close();
  await tg.close();
  await dynamo.close();
});

const CONFIG = {
  accounts: [{ name: 'main', sources: ['usdm'], keysEnv: 'KEYS' }],
  telegram: {
    chatIds: [PRIVATE],
    chats: [
      { id: GROUP, userIds: [TRADER] },
      { id: FORUM, threadId: TOPIC },
    ],
    botUsername: 'liqwatch_test_bot',
  },
  endpoints: { usdm: '' },
};

let tableName = '';

/** Everything the bot is built from but its config, pointed at the stand-ins and this test's table. */
function botParts(table = tableName) {
  return {
    store: new DynamoStateStore(dynamo.client, table),
    exchange,
    keys: createKeysProvider({
      baseDir: '.',
      env: { KEYS: JSON.stringify({ apiKey: API_KEY, apiSecret: API_SECRET }) },
    }),
    token: TOKEN,
    webhookSecret: WEBHOOK_SECRET,
    apiRoot: tg.apiRoot,
    log,
    sleep: async () => {},
    perChatGapMs: 0,
  };
}

beforeEach(async () => {
  tableName = `bot-${++tables}`;
  await ensureTable(dynamo.client, tableName);
  const config = parseConfig(CONFIG, 'test');
  deps = await assembleBot({ ...botParts(tableName), config });
  handler = createBotHandler(deps);
  tg.messages.length = 0;
  // A test that changed the book and failed before putting it back leaves the next one the usual book.
  sim.setPositions('main', 'usdm', BOOK);
});

/** An update through the webhook, as Telegram delivers it. */
function post(update: unknown, secret: string | null = WEBHOOK_SECRET) {
  return handler({
    headers: secret === null ? {} : { [SECRET_HEADER]: secret },
    body: JSON.stringify(update),
    requestContext: { http: { method: 'POST' } },
  }) as Promise<{ statusCode: number }>;
}

const textsTo = (chat: number) => tg.messagesTo(chat).map((m) => m.text);

describe('commands from an allowed chat', () => {
  it.each([
    ['/start', /warns you before a position is liquidated/],
    ['/help', /\/mute &lt;account\|symbol\|all&gt; &lt;duration&gt;/],
    ['/alerts', /No alert firing/],
    ['/status', /main<\/b> · not checked yet/],
    ['/rules', /warning ≤ 15%, critical ≤ 7.5%/],
  ])('%s', async (command, answer) => {
    expect((await post(telegramUpdate.command(command, { id: PRIVATE }))).statusCode).toBe(200);
    expect(textsTo(PRIVATE).join('\n')).toMatch(answer);
  });

  it('/positions lists live positions nearest to liquidation first, with a Refresh button', async () => {
    await post(telegramUpdate.command('/positions', { id: PRIVATE }));
    const [m] = tg.messagesTo(PRIVATE);
    expect(m!.text.indexOf('BTCUSDT')).toBeLessThan(m!.text.indexOf('ETHUSDT'));
    expect(m!.text).toContain('mark 52000 · liq 48000 · <b>7.7%</b>');
    expect(JSON.stringify(m!.replyMarkup)).toContain('"callback_data":"pos:"');
  });

  it('/positions marks each leg by the thresholds in force for its account and symbol, not the defaults', async () => {
    // Prepare: the account's own thresholds put BTC (7.7%) in critical and ETH (33%) in warning.
    const rules = { liqDistance: { warningPct: 40, criticalPct: 10 } };
    const own = await assembleBot({
      ...botParts(),
      config: parseConfig({ ...CONFIG, accounts: [{ ...CONFIG.accounts[0], rules }] }, 'test'),
    });
    // Act
    await createBotHandler(own)({
      headers: { [SECRET_HEADER]: WEBHOOK_SECRET },
      body: JSON.stringify(telegramUpdate.command('/positions', { id: PRIVATE })),
    });
    // Assess
    const [m] = tg.messagesTo(PRIVATE);
    expect(m!.text).toMatch(/🔴 <b>BTCUSDT<\/b>/);
    expect(m!.text).toMatch(/🟠 <b>ETHUSDT<\/b>/);
  });

  it('Refresh edits the message in place', async () => {
    await post(telegramUpdate.command('/positions BTCUSDT', { id: PRIVATE }));
    const [m] = tg.messagesTo(PRIVATE);
    sim.updatePositions('main', 'usdm', (ps) =>
      ps.map((p) => (p.symbol === 'BTCUSDT' ? { ...p, markPrice: 51_000 } : p)),
    );
    await post(telegramUpdate.callback('pos:BTCUSDT', { id: PRIVATE }, m!.messageId));
    expect(tg.messagesTo(PRIVATE)).toHaveLength(1);
    expect(tg.messagesTo(PRIVATE)[0]!.text).toContain('mark 51000');
    expect(tg.messagesTo(PRIVATE)[0]!.editedTexts).toHaveLength(1);
    sim.updatePositions('main', 'usdm', (ps) =>
      ps.map((p) => (p.symbol === 'BTCUSDT' ? { ...p, markPrice: 52_000 } : p)),
    );
  });

  it('in a group, /positions@botname from an allowed user is answered; a command for another bot is not', async () => {
    await post(telegramUpdate.command('/positions@liqwatch_test_bot', { id: GROUP }, { id: TRADER }));
    expect(textsTo(GROUP)[0]).toContain('2 open positions');
    await post(telegramUpdate.command('/positions@other_bot', { id: GROUP }, { id: TRADER }));
    expect(textsTo(GROUP)).toHaveLength(1);
  });

  it('/mute and /unmute, with helpful replies to bad arguments', async () => {
    await post(telegramUpdate.command('/mute BTCUSDT 1h', { id: PRIVATE }));
    expect(textsTo(PRIVATE).at(-1)).toContain('Muted BTCUSDT for 1h');
    expect(await deps.store.listMutes(Date.now())).toMatchObject([
      { scope: 'symbol', target: 'BTCUSDT', chatId: PRIVATE },
    ]);
    await post(telegramUpdate.command('/mute BTCUSDT soon', { id: PRIVATE }));
    expect(textsTo(PRIVATE).at(-1)).toContain('"soon" is not a duration');
    await post(telegramUpdate.command('/mute', { id: PRIVATE }));
    expect(textsTo(PRIVATE).at(-1)).toContain('Usage: /mute <account|symbol|all> <duration>');
    await post(telegramUpdate.command('/unmute', { id: PRIVATE }));
    expect(textsTo(PRIVATE).at(-1)).toContain('Lifted 1 mute');
    expect(await deps.store.listMutes(Date.now())).toEqual([]);
  });

  it('an unknown command gets pointed at /help; a bad /positions argument is explained', async () => {
    await post(telegramUpdate.command('/frobnicate', { id: PRIVATE }));
    expect(textsTo(PRIVATE).at(-1)).toBe('Unknown command /frobnicate. Try /help.');
    await post(telegramUpdate.command('/positions <b>&x', { id: PRIVATE }));
    expect(textsTo(PRIVATE).at(-1)).toContain('is not an account, a source or a symbol');
  });
});

describe('who may talk to it', () => {
  it("a stranger's chat gets nothing, nor a group member not on the list", async () => {
    await post(telegramUpdate.command('/positions', { id: STRANGER }));
    await post(telegramUpdate.command('/help', { id: GROUP }, { id: STRANGER }));
    expect(tg.messages).toEqual([]);
  });

  it('in a forum, only the configured topic is answered, in that topic', async () => {
    await post(telegramUpdate.command('/help', { id: FORUM }, { id: TRADER }, { threadId: 10 }));
    expect(tg.messagesTo(FORUM)).toEqual([]);
    await post(telegramUpdate.command('/help', { id: FORUM }, { id: TRADER }, { threadId: TOPIC }));
    expect(tg.messagesTo(FORUM)).toMatchObject([{ messageThreadId: TOPIC }]);
  });

  it('a missing or wrong secret token is refused before the update is read', async () => {
    expect((await post(telegramUpdate.command('/help', { id: PRIVATE }), null)).statusCode).toBe(401);
    expect((await post(telegramUpdate.command('/help', { id: PRIVATE }), 'wrong')).statusCode).toBe(401);
    expect(tg.messages).toEqual([]);
  });

  it('a redelivered update (same update_id) is handled once', async () => {
    const update = telegramUpdate.command('/help', { id: PRIVATE });
    await post(update);
    await post(update);
    expect(tg.messagesTo(PRIVATE)).toHaveLength(1);
  });
});

describe('answers that are long or hold strange characters', () => {
  it('a symbol with < and & is escaped; 60 positions come in several messages under the limit', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      symbol: i === 0 ? 'A<B&C' : `COIN${i}USDT`,
      positionAmt: 1,
      entryPrice: 100,
      markPrice: 100,
      liquidationPrice: 50 + i * 0.5,
      leverage: 5,
    }));
    sim.setPositions('main', 'usdm', many);
    await post(telegramUpdate.command('/positions', { id: PRIVATE }));
    const parts = tg.messagesTo(PRIVATE);
    expect(parts.length).toBeGreaterThan(1);
    // Telegram's limit counts the text left once the HTML is parsed (https://core.telegram.org/bots/api#sendmessage).
    for (const p of parts)
      expect(parseTelegramHtml(p.text)).toSatisfy((v: { text?: string }) => (v.text?.length ?? Infinity) <= 4096);
    expect(parts.map((p) => p.text).join('')).toContain('A&lt;B&amp;C');
    expect(
      parts
        .map((p) => p.text)
        .join('')
        .match(/COIN\d+USDT/g),
    ).toHaveLength(59);
    sim.setPositions('main', 'usdm', BOOK);
  });
});

describe('delivery of alerts from the queue', () => {
  const delivery = (id: string, chatId: number, severity: 'warning' | 'critical' = 'critical'): Delivery => ({
    id,
    kind: 'alerts',
    chatId,
    at: Date.now(),
    silent: severity !== 'critical',
    notifications: [
      {
        kind: 'firing',
        since: Date.now(),
        alert: {
          rule: 'liq-distance',
          severity,
          status: 'firing',
          account: 'main',
          source: 'usdm',
          symbol: 'BTCUSDT',
          positionSide: 'BOTH',
          value: 6.2,
          threshold: 7.5,
          message: 'BTCUSDT LONG is 6.2% from liquidation',
        },
      },
    ],
  });
  const sqsEvent = (ds: Delivery[]) => ({
    Records: ds.map((d, i) => ({
      messageId: `m${i}`,
      body: JSON.stringify(d),
      attributes: { MessageGroupId: String(d.chatId) },
    })),
  });

  it('a batch where Telegram answers 429 for one message: only that one retries, nothing is sent twice', async () => {
    tg.failNext('sendMessage', { kind: 'retryAfter', seconds: 30 }, { chatId: GROUP });
    const batch = [
      delivery('deliv-a1', PRIVATE),
      delivery('deliv-b2', GROUP),
      delivery('deliv-c3', PRIVATE, 'warning'),
    ];
    const first = (await handler(sqsEvent(batch) as never)) as { batchItemFailures: { itemIdentifier: string }[] };
    expect(first.batchItemFailures, logged.join('\n')).toEqual([{ itemIdentifier: 'm1' }]);
    // SQS offers the whole batch again (a redelivery), then the failed one alone.
    const again = (await handler(sqsEvent(batch) as never)) as { batchItemFailures: unknown[] };
    expect(again.batchItemFailures).toEqual([]);
    expect(tg.messagesTo(PRIVATE)).toHaveLength(2);
    expect(tg.messagesTo(GROUP)).toHaveLength(1);
    const [critical, warning] = tg.messagesTo(PRIVATE);
    expect(critical).toMatchObject({ disableNotification: false });
    expect(warning).toMatchObject({ disableNotification: true });
    expect(JSON.stringify(critical!.replyMarkup)).toMatch(/mute:1h:.*mute:res:/);
  });

  it('a blocked chat (403) is logged and not retried forever', async () => {
    tg.blockChat(-555);
    const out = (await handler(sqsEvent([delivery('deliv-blocked', -555)]) as never)) as {
      batchItemFailures: unknown[];
    };
    expect(out.batchItemFailures).toEqual([]);
    expect(logged.join('\n')).toContain('Forbidden: bot was blocked by the user');
  });

  it('the Mute 1h button mutes that alert', async () => {
    await handler(sqsEvent([delivery('deliv-mute', PRIVATE)]) as never);
    const m = tg.messagesTo(PRIVATE).at(-1)!;
    const data = (m.replyMarkup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard[0]![0]!
      .callback_data;
    await deps.store.saveAccount(
      {
        account: 'main',
        legs: {},
        health: {},
        alerts: {
          'main|usdm|BTCUSDT|BOTH|liq-distance': {
            alert: (delivery('deliv-xx', PRIVATE) as AlertDelivery).notifications[0]!.alert,
            since: Date.now(),
            told: {},
          },
        },
        lastCycleAt: Date.now(),
      },
      0,
    );
    await post(telegramUpdate.callback(data, { id: PRIVATE }, m.messageId));
    expect(tg.callbackAnswers.at(-1)?.text).toBe('Muted for 1 hour');
    expect(await deps.store.listMutes(Date.now())).toMatchObject([
      { scope: 'alert', target: 'main|usdm|BTCUSDT|BOTH|liq-distance', chatId: PRIVATE },
    ]);
  });

  it('no token, webhook secret or API secret reaches a log line or a message', async () => {
    await post(telegramUpdate.command('/status', { id: PRIVATE }));
    const everything = JSON.stringify({ logged, messages: tg.messages, calls: tg.calls });
    for (const secret of [TOKEN, WEBHOOK_SECRET, API_SECRET]) expect(everything).not.toContain(secret);
  });
});

/** 2025-03-14 14:00 UTC, 23:00 in Tokyo: the clock of the bots built below. */
const T = Date.UTC(2025, 2, 14, 14, 0);
const HOUR = 3_600_000;

/** A bot on this test's table with its own clock and, if given, its own telegram settings. */
async function botAt(nowMs: number, telegram: Record<string, unknown> = {}) {
  const config = parseConfig({ ...CONFIG, telegram: { ...CONFIG.telegram, ...telegram } }, 'test');
  const own = await assembleBot({ ...botParts(), config, now: () => nowMs });
  const send = (update: unknown) =>
    createBotHandler(own)({ headers: { [SECRET_HEADER]: WEBHOOK_SECRET }, body: JSON.stringify(update) });
  return { ...own, send };
}

const answersTo = (update: { callback_query?: { id: string } }) =>
  tg.calls.filter(
    (c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === update.callback_query?.id,
  );

describe('every button press is answered', () => {
  it.each([
    ['data liqwatch never wrote', 'nonsense'],
    ['a mute button of an older format', 'mute:forever:abc'],
    ['empty-looking data', ' '],
  ])('%s stops spinning with a short answer', async (_, data) => {
    const update = telegramUpdate.callback(data, { id: PRIVATE }, 1) as { callback_query?: { id: string } };
    await post(update);
    expect(answersTo(update)).toMatchObject([{ params: { text: 'That button is no longer in use.' } }]);
    expect(tg.messages).toEqual([]);
  });

  it('a group member not on the list gets an empty answer (no text, nothing in the chat); a stranger gets nothing', async () => {
    const member = telegramUpdate.callback('pos:', { id: GROUP }, 1, 'x', { id: STRANGER }) as {
      callback_query?: { id: string };
    };
    const stranger = telegramUpdate.callback('pos:', { id: STRANGER }, 1) as { callback_query?: { id: string } };
    await post(member);
    await post(stranger);
    expect(answersTo(member)).toHaveLength(1);
    expect(answersTo(member)[0]!.params.text).toBeUndefined();
    expect(answersTo(stranger)).toEqual([]);
    expect(tg.messages).toEqual([]);
  });

  it('a button whose work fails is still answered, and says so', async () => {
    // Prepare: the bot's own table is missing, so reading the alerts fails; updates are claimed on a good one.
    const broken = await assembleBot({ ...botParts('no-such-table'), config: parseConfig(CONFIG, 'test') });
    const update = telegramUpdate.callback('mute:1h:abcdef12', { id: PRIVATE }, 1) as {
      callback_query?: { id: string };
    };
    // Act
    await createBotHandler({ ...broken, store: deps.store })({
      headers: { [SECRET_HEADER]: WEBHOOK_SECRET },
      body: JSON.stringify(update),
    });
    // Assess
    expect(answersTo(update)).toMatchObject([{ params: { text: expect.stringContaining('Sorry, that failed') } }]);
  });
});

describe('answers to a wrong or unknown argument', () => {
  it('/mute of an unknown symbol or account says so, suggests the nearest name and mutes nothing', async () => {
    const bot = await botAt(T);
    await bot.send(telegramUpdate.command('/mute BTCUSD 1h', { id: PRIVATE }));
    expect(textsTo(PRIVATE).at(-1)).toMatch(/"BTCUSD" is unknown.*Did you mean BTCUSDT\?/s);
    await bot.send(telegramUpdate.command('/mute mian 1h', { id: PRIVATE }));
    expect(textsTo(PRIVATE).at(-1)).toMatch(/"mian" is unknown.*Did you mean main\?/s);
    expect(await bot.store.listMutes(T)).toEqual([]);
    await bot.send(telegramUpdate.command('/mute ETHUSDT 1h', { id: PRIVATE }));
    expect(textsTo(PRIVATE).at(-1)).toContain('Muted ETHUSDT for 1h');
  });

  it('/mute for longer than 30 days names the limit', async () => {
    const bot = await botAt(T);
    await bot.send(telegramUpdate.command('/mute BTCUSDT 45d', { id: PRIVATE }));
    expect(textsTo(PRIVATE).at(-1)).toMatch(/"45d" is longer than the limit of 30 days/);
    expect(await bot.store.listMutes(T)).toEqual([]);
  });

  it('/positions of a symbol with no open position says nothing matched, and suggests one', async () => {
    await post(telegramUpdate.command('/positions nosuch', { id: PRIVATE }));
    await post(telegramUpdate.command('/positions BTCUSD', { id: PRIVATE }));
    const [nosuch, btcusd] = textsTo(PRIVATE);
    expect(nosuch).toContain('Nothing matched "NOSUCH"');
    expect(nosuch).not.toMatch(/0 open positions/);
    expect(btcusd).toMatch(/Nothing matched "BTCUSD".*Did you mean <b>BTCUSDT<\/b>\?/s);
  });

  it.each([
    ['/mute', `/mute ${'Z'.repeat(3_000)} 1h`],
    ['/mute', `/mute BTCUSDT ${'9'.repeat(3_000)}x`],
    ['/unmute', `/unmute ${'<b>'.repeat(1_000)}`],
    ['/positions', `/positions ${'<b>&'.repeat(1_000)}`],
    ['an unknown command', `/${'x'.repeat(3_000)}`],
  ])('%s never echoes a long argument back whole', async (_, command) => {
    await post(telegramUpdate.command(command, { id: PRIVATE }));
    const [reply] = textsTo(PRIVATE);
    expect(reply).toBeDefined();
    expect(reply).not.toContain('Sorry, that failed');
    expect(reply!.length).toBeLessThan(400);
    expect(reply).toContain('…');
  });
});

describe('/alerts and /unmute speak of this chat', () => {
  const mute = (over: Partial<Mute>): Mute => ({
    id: `m-${Math.random()}`,
    scope: 'symbol',
    target: 'BTCUSDT',
    until: T + HOUR,
    chatId: PRIVATE,
    createdAt: T,
    ...over,
  });

  it("/alerts lists this chat's mutes and those of every chat, not another chat's; a later day is dated", async () => {
    // Prepare
    const bot = await botAt(T);
    await bot.store.putMute(mute({ target: 'BTCUSDT' }));
    await bot.store.putMute(mute({ target: 'ETHUSDT', chatId: GROUP }));
    await bot.store.putMute(mute({ scope: 'account', target: 'main', chatId: null, until: T + 3 * 24 * HOUR }));
    // Act
    await bot.send(telegramUpdate.command('/alerts', { id: PRIVATE }));
    // Assess
    const text = textsTo(PRIVATE).join('\n');
    expect(text).toContain('🔇 BTCUSDT until 15:00 UTC');
    expect(text).toContain('🔇 main until 17 Mar 14:00 UTC');
    expect(text).not.toContain('ETHUSDT');
  });

  it("/alerts gives a mute's end in the chat's time zone when its quiet hours name one", async () => {
    const bot = await botAt(T, {
      chats: [{ id: GROUP, userIds: [TRADER], quietHours: { from: '23:30', to: '07:00', timeZone: 'Asia/Tokyo' } }],
    });
    await bot.store.putMute(mute({ chatId: GROUP, until: T + 2 * HOUR }));
    await bot.send(telegramUpdate.command('/alerts', { id: GROUP }, { id: TRADER }));
    expect(textsTo(GROUP).join('\n')).toContain('🔇 BTCUSDT until 15 Mar 01:00 Asia/Tokyo');
  });

  it('/unmute SYMBOL also lifts a mute until resolved of an alert on that symbol', async () => {
    const bot = await botAt(T);
    await bot.store.putMute(mute({ scope: 'alert', target: 'main|usdm|BTCUSDT|BOTH|liq-distance', until: null }));
    await bot.store.putMute(mute({ scope: 'alert', target: 'main|usdm|ETHUSDT|BOTH|liq-distance', until: null }));
    await bot.send(telegramUpdate.command('/unmute BTCUSDT', { id: PRIVATE }));
    expect(textsTo(PRIVATE).at(-1)).toContain('Lifted 1 mute');
    expect(await bot.store.listMutes(T)).toMatchObject([{ target: 'main|usdm|ETHUSDT|BOTH|liq-distance' }]);
  });
});

describe('a command without entities', () => {
  it.each([
    ['/start', /warns you before a position is liquidated/],
    ['/positions BTCUSDT', /1 open position</],
    ['/help@liqwatch_test_bot', /warns you before a position is liquidated/],
    ['/mute BTCUSDT 2h', /Muted BTCUSDT for 2h/],
  ])('%s, as in Telegram webhook example update, is answered as a command', async (text, answer) => {
    await post(telegramUpdate.withoutEntities(text, PRIVATE));
    expect(textsTo(PRIVATE)).toHaveLength(1);
    expect(textsTo(PRIVATE)[0]).toMatch(answer);
  });

  it('one addressed to another bot is still none of our business', async () => {
    await post(telegramUpdate.withoutEntities('/help@other_bot', PRIVATE));
    expect(tg.messages).toEqual([]);
  });
});
