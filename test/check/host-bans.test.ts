import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import { runCycle } from '#check/run-check.js';
import { createLocalRuntime } from '#cli/local-runtime.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import { type ExchangeSimulator, type SimAccount, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { DynamoStore } from '#store/dynamo-store.js';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';

/*
 * A 418 outlives the run that met it: the ban is kept in the state store, the next check (a new
 * process, a new client) does not call that host before the ban ends and says why, and /status shows
 * it. The simulators and the clients share one clock that the test moves.
 */
const API_KEY = 'bans-test-api-key-00000000000000000000000000000000000000000000000';
const SECRET = 'bans-test-secret-NEVER-STORED-1111111111111111111111111111111111111';
const TOKEN = '33:bans-test-token-AAAAAAAAAAAAAAAAAAAAAAAAA';
const CHAT = 42;
const T0 = Date.UTC(2026, 0, 5, 12, 0);

let t = T0;
const now = () => t;
const account: SimAccount = {
  name: 'main',
  apiKey: API_KEY,
  apiSecret: SECRET,
  positions: {
    usdm: [{ symbol: 'BTCUSDT', positionAmt: 1, entryPrice: 50_000, markPrice: 50_000, liquidationPrice: 40_000 }],
    coinm: [{ symbol: 'BTCUSD_PERP', positionAmt: 10, entryPrice: 50_000, markPrice: 50_000, leverage: 5 }],
  },
};
// One simulator per host, as the exchange has: fapi for USDⓈ-M, dapi for COIN-M.
let fapi: ExchangeSimulator;
let dapi: ExchangeSimulator;
let dynamo: LocalDynamo;
let tg: FakeTelegram;

beforeAll(async () => {
  [fapi, dapi, dynamo, tg] = await Promise.all([
    startExchangeSimulator({ accounts: [account], now }),
    startExchangeSimulator({ accounts: [account], now }),
    startLocalDynamo(),
    startFakeTelegram({ token: TOKEN, botUsername: 'liqwatch_bans_bot', now }),
  ]);
});
afterAll(() => Promise.all([fapi.close(), dapi.close(), dynamo.close(), tg.close()]));

describe('a ban kept between checks', () => {
  it('a second check with a new client does not call the banned host before the ban ends, and /status shows it', async () => {
    // Prepare
    await ensureTable(dynamo.client, 'bans');
    const store = new DynamoStore(dynamo.client, 'bans');
    const config = parseConfig(
      {
        accounts: [{ name: 'main', sources: ['usdm', 'coinm'], keysEnv: 'KEYS' }],
        telegram: { chatIds: [CHAT], botUsername: 'liqwatch_bans_bot', digest: { enabled: false } },
        endpoints: { usdm: fapi.url, coinm: dapi.url },
      },
      'test',
    );
    const keys = createKeysProvider({
      baseDir: '.',
      env: { KEYS: JSON.stringify({ apiKey: API_KEY, apiSecret: SECRET }) },
    });
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    const first = new BinanceClient({ now, retries: 0 });
    const second = new BinanceClient({ now, retries: 0 });
    const queue = { send: async () => {} };
    fapi.injectFault({ source: 'usdm' }, { kind: 'ban418', retryAfterSec: 600 });

    try {
      // Act 1: the first check is banned by fapi.
      const one = await runCycle({
        config,
        exchange: first,
        keys,
        store,
        bans: store,
        queue,
        now,
        exchangeClock: now,
        log,
      });
      expect(one.accounts[0]!.sources.find((s) => s.source === 'usdm')).toMatchObject({
        ok: false,
        error: expect.stringContaining('HTTP 418'),
      });

      // Act 2: a minute later, the next run: a new client on the same store.
      t += 60_000;
      const fapiCalls = fapi.requests.length;
      const runtime = await createLocalRuntime({
        config,
        store,
        exchange: second,
        keys,
        token: TOKEN,
        apiRoot: tg.apiRoot,
        log,
        now,
        perChatGapMs: 0,
        bans: store,
        exchangeClock: now,
      });
      const two = await runtime.cycle();

      // Assess 2: fapi not called; the source says why; the other host read as usual.
      expect(fapi.requests.length).toBe(fapiCalls);
      const [usdm, coinm] = two.accounts[0]!.sources;
      expect(usdm).toMatchObject({ source: 'usdm', ok: false });
      expect(usdm!.error).toMatch(/HTTP 418 .*not called: the host asked us to wait 540 s more/);
      expect(coinm).toMatchObject({ source: 'coinm', ok: true, openPositions: 1 });

      // Act 3
      await runtime.command('/status', CHAT);

      // Assess 3: the ban, its host and its end.
      const status = tg.messagesTo(CHAT).at(-1)!.text;
      expect(status).toContain(`⛔ ${fapi.url}: 418 IP banned until 12:10 UTC (9 min from now)`);

      // Act 4: once the ban has ended, the host is called again.
      t = T0 + 600_000;
      const three = await runtime.cycle();
      expect(three.accounts[0]!.sources.every((s) => s.ok)).toBe(true);
      expect(fapi.requests.length).toBeGreaterThan(fapiCalls);
      expect(await store.loadBans(t)).toEqual([]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
