/*
 * The exchange's own connectors (binance-connector-js), pointed at the simulator: if they sign a
 * request the simulator accepts and read back the scenario's rows, the simulator speaks the exchange's
 * protocol, not just our client's idea of it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { DerivativesTradingCoinFutures } from '@binance/derivatives-trading-coin-futures';
import { DerivativesTradingPortfolioMargin } from '@binance/derivatives-trading-portfolio-margin';
import { DerivativesTradingUsdsFutures } from '@binance/derivatives-trading-usds-futures';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { type ExchangeSimulator, type SimPosition, startExchangeSimulator } from '#local/exchange-simulator/index.js';

const API_KEY = 'connectorKey01';
const API_SECRET = 'connector-secret-8Hq2';
const ED_KEY = 'connectorEdKey02';
const ed = generateKeyPairSync('ed25519');

const usdm: SimPosition[] = [
  {
    symbol: 'BTCUSDT',
    positionAmt: 0.25,
    entryPrice: 60_000,
    markPrice: 61_500,
    liquidationPrice: 48_000,
    leverage: 10,
  },
  { symbol: 'ETHUSDT', positionAmt: -3, entryPrice: 3_000, markPrice: 3_050, liquidationPrice: 3_700, leverage: 5 },
];
const coin: SimPosition[] = [
  { symbol: 'BTCUSD_PERP', positionAmt: 7, entryPrice: 60_000, markPrice: 61_000, liquidationPrice: 45_000 },
];
const pmUm: SimPosition[] = [
  { symbol: 'SOLUSDT', positionAmt: 40, entryPrice: 140, markPrice: 150, liquidationPrice: 110, leverage: 3 },
];
const pmCm: SimPosition[] = [
  { symbol: 'ETHUSD_PERP', positionAmt: -12, entryPrice: 3_000, markPrice: 3_100, liquidationPrice: 3_900 },
];

let sim: ExchangeSimulator;
let quiet: MockInstance[];
/** The connector's disconnect waits for a one-second tick; the tests go on meanwhile. */
const disconnecting: Promise<void>[] = [];

beforeAll(async () => {
  // The connectors log every connection at info level; the assertions say what matters.
  quiet = (['info', 'debug', 'log'] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
  sim = await startExchangeSimulator({
    accounts: [
      {
        name: 'main',
        apiKey: API_KEY,
        apiSecret: API_SECRET,
        positions: { usdm, 'usdm-ws': usdm, coinm: coin, 'pm-um': pmUm, 'pm-cm': pmCm },
      },
      {
        name: 'ed',
        apiKey: ED_KEY,
        publicKeyPem: String(ed.publicKey.export({ type: 'spki', format: 'pem' })),
        positions: { usdm },
      },
    ],
  });
});

afterAll(async () => {
  await Promise.all(disconnecting);
  await sim.close();
  for (const spy of quiet) spy.mockRestore();
});

/** REST options: the simulator's URL, no retries, a short timeout, the given credentials. */
function rest(credentials: { apiSecret: string } | { privateKey: string }, apiKey = API_KEY) {
  return { apiKey, basePath: sim.url, retries: 0, timeout: 3_000, keepAlive: false, ...credentials };
}

const symbols = (rows: unknown) => (rows as { symbol: string }[]).map((r) => r.symbol);

describe('the official connectors against the simulator', () => {
  it('USDⓈ-M REST positionInformationV2 gets the scenario rows (HMAC)', async () => {
    const client = new DerivativesTradingUsdsFutures({ configurationRestAPI: rest({ apiSecret: API_SECRET }) });
    const res = await client.restAPI.positionInformationV2();
    const rows = await res.data();
    expect(symbols(rows)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(rows[0]).toMatchObject({ positionAmt: '0.25', liquidationPrice: '48000', positionSide: 'BOTH' });
    // The connector reads the weight header into its rate limits.
    expect(res.rateLimits?.[0]).toMatchObject({ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', count: 5 });
  });

  it('USDⓈ-M REST with an Ed25519 key, and a symbol filter', async () => {
    const privateKey = String(ed.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const client = new DerivativesTradingUsdsFutures({ configurationRestAPI: rest({ privateKey }, ED_KEY) });
    const rows = await (await client.restAPI.positionInformationV2({ symbol: 'ETHUSDT' })).data();
    expect(symbols(rows)).toEqual(['ETHUSDT']);
  });

  it('USDⓈ-M WebSocket API positionInformation (account.position) gets the scenario rows', async () => {
    const client = new DerivativesTradingUsdsFutures({
      configurationWebsocketAPI: { apiKey: API_KEY, apiSecret: API_SECRET, wsURL: sim.wsUrl, timeout: 3_000 },
    });
    const connection = await client.websocketAPI.connect();
    try {
      const res = await connection.positionInformation();
      expect(symbols(res.data)).toEqual(['BTCUSDT', 'ETHUSDT']);
      expect(res.rateLimits?.[0]).toMatchObject({ rateLimitType: 'REQUEST_WEIGHT', limit: 2400 });
    } finally {
      disconnecting.push(connection.disconnect());
    }
    expect(sim.requests.at(-1)).toMatchObject({ transport: 'ws', method: 'account.position', status: 200 });
  });

  it('COIN-M REST positionInformation gets the scenario rows', async () => {
    const client = new DerivativesTradingCoinFutures({ configurationRestAPI: rest({ apiSecret: API_SECRET }) });
    const rows = await (await client.restAPI.positionInformation()).data();
    expect(symbols(rows)).toEqual(['BTCUSD_PERP']);
    expect(rows[0]).toMatchObject({ positionAmt: '7', maxQty: expect.any(String) });
  });

  it('Portfolio Margin queryUmPositionInformation and queryCmPositionInformation get the scenario rows', async () => {
    const client = new DerivativesTradingPortfolioMargin({ configurationRestAPI: rest({ apiSecret: API_SECRET }) });
    const um = await (await client.restAPI.queryUmPositionInformation()).data();
    expect(symbols(um)).toEqual(['SOLUSDT']);
    const cm = await (await client.restAPI.queryCmPositionInformation()).data();
    expect(symbols(cm)).toEqual(['ETHUSD_PERP']);
    expect(cm[0]).toMatchObject({ positionAmt: '-12', notionalValue: expect.any(String) });
  });
});

describe('the same calls with a wrong secret are refused with -1022', () => {
  const wrong = { apiSecret: 'not-the-secret' };
  const refused = { name: 'BadRequestError', message: 'Signature for this request is not valid.' };

  it('USDⓈ-M REST', async () => {
    const client = new DerivativesTradingUsdsFutures({ configurationRestAPI: rest(wrong) });
    await expect(client.restAPI.positionInformationV2()).rejects.toMatchObject({ ...refused, code: -1022 });
  });

  it('USDⓈ-M WebSocket API', async () => {
    const client = new DerivativesTradingUsdsFutures({
      configurationWebsocketAPI: { apiKey: API_KEY, ...wrong, wsURL: sim.wsUrl, timeout: 3_000 },
    });
    const connection = await client.websocketAPI.connect();
    try {
      await expect(connection.positionInformation()).rejects.toMatchObject({
        code: -1022,
        msg: 'Signature for this request is not valid.',
      });
    } finally {
      disconnecting.push(connection.disconnect());
    }
  });

  it('COIN-M REST', async () => {
    const client = new DerivativesTradingCoinFutures({ configurationRestAPI: rest(wrong) });
    await expect(client.restAPI.positionInformation()).rejects.toMatchObject(refused);
  });

  it('Portfolio Margin REST, UM and CM', async () => {
    const client = new DerivativesTradingPortfolioMargin({ configurationRestAPI: rest(wrong) });
    await expect(client.restAPI.queryUmPositionInformation()).rejects.toMatchObject({ ...refused, code: -1022 });
    await expect(client.restAPI.queryCmPositionInformation()).rejects.toMatchObject({ ...refused, code: -1022 });
  });

  it('the simulator logged each refusal as -1022, without the secret', () => {
    const refusals = sim.requests.filter((r) => r.code === -1022);
    expect(refusals.map((r) => r.source).sort()).toEqual(['coinm', 'pm-cm', 'pm-um', 'usdm', 'usdm-ws']);
    expect(JSON.stringify(sim.requests)).not.toContain(API_SECRET);
  });
});
