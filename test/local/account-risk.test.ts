import { createHmac } from 'node:crypto';
import { Agent, request, WebSocket } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExchangeSimulator,
  type SimPosition,
  type SourceId,
  startExchangeSimulator,
} from '#local/exchange-simulator/index.js';
import * as examples from '../binance/account-risk-examples.js';

/*
 * The simulator's account-risk pages: the documented fields, and numbers that follow the simulated legs
 * (maintenance margin 0.5 % of the notional at the mark, margin balance = wallet + unrealised PnL,
 * uniMMR = equity ÷ maintenance margin with its status on the exchange's ladder), so that a price move
 * moves them as it moves the exchange's.
 */

const SECRET = 'risk-sim-secret-Hq4';
const API_KEY = 'riskSimKey01';
const NAME = 'risk';
const T0 = 1_800_000_000_000;

const btc = (markPrice: number, extra: Partial<SimPosition> = {}): SimPosition => ({
  symbol: 'BTCUSDT',
  positionAmt: 1,
  entryPrice: 60_000,
  markPrice,
  leverage: 10,
  ...extra,
});
const btcCoin = (markPrice: number): SimPosition => ({
  symbol: 'BTCUSD_PERP',
  positionAmt: 10,
  entryPrice: 60_000,
  markPrice,
  leverage: 10,
});
const ethCoin: SimPosition = { symbol: 'ETHUSD_PERP', positionAmt: -20, entryPrice: 3_000, markPrice: 3_000 };

const agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
let sim: ExchangeSimulator;

beforeAll(async () => {
  sim = await startExchangeSimulator({
    now: () => T0,
    accounts: [
      {
        name: NAME,
        apiKey: API_KEY,
        apiSecret: SECRET,
        positions: {},
        wallets: { usdm: { USDT: 10_000 }, coinm: { BTC: 0.1, ETH: 2 }, pm: { USDT: 1_000 } },
      },
      { name: 'hedged', apiKey: 'hedgedKey01', apiSecret: SECRET, hedgeMode: true, positions: {} },
      {
        name: 'unfunded',
        apiKey: 'unfundedKey1',
        apiSecret: SECRET,
        positions: { usdm: [btc(60_000), { ...btc(3_000), symbol: 'ETHUSDT', entryPrice: 3_000, positionAmt: -4 }] },
      },
    ],
  });
});
afterEach(() => {
  sim.setPositions(NAME, 'usdm', []);
  sim.setPositions(NAME, 'coinm', []);
  sim.setPositions(NAME, 'pm-um', []);
  sim.setPositions(NAME, 'pm-cm', []);
  sim.setAccountStatus(NAME, null);
  sim.setWallet(NAME, 'pm-um', 'USDT', 1_000);
});
afterAll(async () => {
  await agent.close();
  await sim.close();
});

/** A signed GET as the exchange documents it, returning the status and the JSON body. */
async function signedGet(path: string, opts: { apiKey?: string; query?: string } = {}) {
  const query = `${opts.query ? `${opts.query}&` : ''}timestamp=${sim.now()}`;
  const signature = createHmac('sha256', SECRET).update(query).digest('hex');
  const res = await request(`${sim.url}${path}?${query}&signature=${signature}`, {
    dispatcher: agent,
    headers: { 'X-MBX-APIKEY': opts.apiKey ?? API_KEY },
  });
  const body = (await res.body.json()) as Record<string, unknown> & Record<string, unknown>[];
  return { status: res.statusCode, weight: Number(res.headers['x-mbx-used-weight-1m']), body };
}

const num = (value: unknown) => Number(value);
const keysOf = (o: unknown) => Object.keys(o as object).sort();

describe('the pages: every field the exchange documents, decimals as strings', () => {
  it.each([
    ['/fapi/v2/account', examples.usdmAccount, 'usdm'],
    ['/dapi/v1/account', examples.coinmAccount, 'coinm'],
    ['/papi/v1/account', examples.pmAccount, 'pm-um'],
  ] as const)('%s has the example’s fields, in its rows too', async (path, example, source: SourceId) => {
    sim.setPositions(NAME, source, [source === 'coinm' ? btcCoin(61_000) : btc(61_000)]);
    const { status, body } = await signedGet(path);
    expect(status).toBe(200);
    expect(keysOf(body)).toEqual(keysOf(example));
    for (const list of ['assets', 'positions'] as const) {
      const rows = (example as Record<string, unknown>)[list] as object[] | undefined;
      if (rows) expect(keysOf((body[list] as object[])[0])).toEqual(keysOf(rows[0]));
    }
    for (const [field, value] of Object.entries(example)) {
      if (typeof value === 'string') expect(typeof body[field], field).toBe('string');
    }
  });

  it('the ADL pages: one row per symbol held, every quantile a number from 0 to 4', async () => {
    sim.setPositions(NAME, 'pm-um', [btc(61_000), { ...btc(3_000), symbol: 'ETHUSDT', entryPrice: 3_000 }]);
    const { body } = await signedGet('/papi/v1/um/adlQuantile');
    expect(body.map((r) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(keysOf(body[0])).toEqual(keysOf(examples.umAdlQuantiles[1]));
    expect(body[0]?.adlQuantile).toEqual({ LONG: 0, SHORT: 0, BOTH: expect.any(Number) });
    const filtered = await signedGet('/papi/v1/um/adlQuantile', { query: 'symbol=ETHUSDT' });
    expect(filtered.body.map((r) => r.symbol)).toEqual(['ETHUSDT']);
  });

  it('signed and weighted like the other routes', async () => {
    const refused = await signedGet('/papi/v1/account', { apiKey: 'strangerKey9' });
    expect(refused).toMatchObject({ status: 401, body: { code: -2015 } });
    const before = (await signedGet('/dapi/v1/account')).weight;
    expect((await signedGet('/dapi/v1/adlQuantile')).weight - before).toBe(5);
    const papi = (await signedGet('/papi/v1/um/adlQuantile')).weight;
    expect((await signedGet('/papi/v1/account')).weight - papi).toBe(20);
  });
});

describe('USDⓈ-M and COIN-M: the margin ratio follows the price', () => {
  const ratio = (body: Record<string, unknown>) => num(body.totalMaintMargin) / num(body.totalMarginBalance);

  it('a price move against the long lowers the margin balance and raises the margin ratio', async () => {
    sim.setPositions(NAME, 'usdm', [btc(60_000)]);
    const calm = (await signedGet('/fapi/v2/account')).body;
    sim.updatePositions(NAME, 'usdm', ([leg]) => [{ ...leg!, markPrice: 54_000 }]);
    const fallen = (await signedGet('/fapi/v2/account')).body;

    expect(num(calm.totalMaintMargin)).toBe(300); // 0.5 % of 60 000
    expect(num(fallen.totalMaintMargin)).toBe(270);
    expect(num(fallen.totalMarginBalance)).toBe(10_000 - 6_000); // wallet + unrealised PnL
    expect(num(fallen.totalUnrealizedProfit)).toBe(-6_000);
    expect(ratio(fallen)).toBeGreaterThan(ratio(calm));
    expect(ratio(fallen)).toBeCloseTo(270 / 4_000, 8);
  });

  it('COIN-M: each margin asset apart, in its coin; a BTC move leaves ETH’s numbers as they were', async () => {
    sim.setPositions(NAME, 'coinm', [btcCoin(60_000), ethCoin]);
    const before = (await signedGet('/dapi/v1/account')).body.assets as Record<string, unknown>[];
    sim.updatePositions(NAME, 'coinm', (legs) => legs.map((p) => (p.symbol === 'BTCUSD_PERP' ? btcCoin(50_000) : p)));
    const after = (await signedGet('/dapi/v1/account')).body.assets as Record<string, unknown>[];

    expect(after.map((a) => a.asset)).toEqual(['BTC', 'ETH']);
    const [btcAfter, ethAfter] = after;
    // 10 contracts of 100 USD: 1 000 USD, at 50 000 0.02 BTC of notional, its margin 0.5 % of that.
    expect(num(btcAfter?.maintMargin)).toBeCloseTo(0.0001, 8);
    expect(num(btcAfter?.marginBalance)).toBeCloseTo(0.1 + 1_000 * (1 / 60_000 - 1 / 50_000), 8);
    expect(num(btcAfter?.maintMargin) / num(btcAfter?.marginBalance)).toBeGreaterThan(
      num(before[0]?.maintMargin) / num(before[0]?.marginBalance),
    );
    expect(ethAfter).toEqual(before[1]);
  });

  it('an account with no wallet set holds the initial margin its legs took at entry', async () => {
    const { body } = await signedGet('/fapi/v2/account', { apiKey: 'unfundedKey1' });
    // 60 000 ÷ 10 for the BTC long, 4 × 3 000 ÷ 10 for the ETH short.
    expect(num(body.totalWalletBalance)).toBe(6_000 + 1_200);
  });

  it('a leg with a liquidation price brings just enough: its book’s margin ratio is 100 % at that price', async () => {
    // The unfunded account's wallet comes from its legs; a liquidation price says how much each brought.
    const long = btc(60_000, { liquidationPrice: 50_000 });
    sim.setPositions('unfunded', 'usdm', [long]);
    const far = (await signedGet('/fapi/v2/account', { apiKey: 'unfundedKey1' })).body;
    sim.setPositions('unfunded', 'usdm', [{ ...long, markPrice: 50_000 }]);
    const at = (await signedGet('/fapi/v2/account', { apiKey: 'unfundedKey1' })).body;

    // 16.7 % from liquidation: a ratio of a few %; it brought its loss to there plus the margin there.
    expect(num(far.totalWalletBalance)).toBe(10_000 + 250);
    expect(ratio(far)).toBeCloseTo(300 / (10_000 + 250), 6);
    expect(ratio(at)).toBeCloseTo(1, 9);
  });

  it('the WebSocket API’s v2/account.status has the same totals', async () => {
    sim.setPositions(NAME, 'usdm', [btc(57_000)]);
    sim.setPositions(NAME, 'usdm-ws', [btc(57_000)]);
    const rest = (await signedGet('/fapi/v2/account')).body;
    const reply = await wsCall('v2/account.status');
    expect(reply.status).toBe(200);
    expect(reply.result).toMatchObject({
      totalMaintMargin: rest.totalMaintMargin,
      totalMarginBalance: rest.totalMarginBalance,
      totalWalletBalance: rest.totalWalletBalance,
    });
    expect(keysOf(reply.result)).toEqual(keysOf(examples.usdmWsAccountReply.result));
    sim.setPositions(NAME, 'usdm-ws', []);
  });
});

describe('Portfolio Margin: uniMMR and the status ladder', () => {
  const account = async () => (await signedGet('/papi/v1/account')).body;

  it('equity counts both books (COIN-M’s PnL in USD at the mark); a fall lowers uniMMR', async () => {
    const at = (mark: number) => {
      sim.setPositions(NAME, 'pm-um', [btc(mark)]);
      sim.setPositions(NAME, 'pm-cm', [btcCoin(mark)]);
      return account();
    };
    const calm = await at(60_000);
    const fallen = await at(59_700);
    // Wallet 1 000 + UM PnL (mark − 60 000) + CM PnL 1 000 USD × (mark ÷ 60 000 − 1).
    const equity = 1_000 - 300 + 1_000 * (59_700 / 60_000 - 1);
    const maint = 0.005 * 59_700 + 0.005 * 1_000;
    expect(num(fallen.accountEquity)).toBeCloseTo(equity, 6);
    expect(num(fallen.accountMaintMargin)).toBeCloseTo(maint, 6);
    expect(num(fallen.uniMMR)).toBeCloseTo(equity / maint, 6);
    expect(num(fallen.uniMMR)).toBeLessThan(num(calm.uniMMR));
  });

  // Maintenance margin 300 USD (0.5 % of one BTC at 60 000, no PnL): the wallet sets uniMMR.
  it.each([
    [601, 'NORMAL'],
    [450, 'MARGIN_CALL'], // exactly 1.5: "120% < uniMMR ≤ 150%" is a reminder
    [361, 'MARGIN_CALL'],
    [360, 'REDUCE_ONLY'], // exactly 1.2
    [316, 'REDUCE_ONLY'],
    [315, 'ACTIVE_LIQUIDATION'], // exactly 1.05
    [-50, 'ACTIVE_LIQUIDATION'],
  ] as const)('wallet %i USD: status %s', async (wallet, status) => {
    sim.setPositions(NAME, 'pm-um', [btc(60_000)]);
    sim.setWallet(NAME, 'pm-um', 'USDT', wallet);
    expect(await account()).toMatchObject({ uniMMR: (wallet / 300).toFixed(8), accountStatus: status });
  });

  it('a status set by a test holds whatever the uniMMR, until set back to null', async () => {
    sim.setAccountStatus(NAME, 'FORCE_LIQUIDATION');
    expect((await account()).accountStatus).toBe('FORCE_LIQUIDATION');
    sim.setAccountStatus(NAME, null);
    expect((await account()).accountStatus).toBe('NORMAL');
    expect(() => sim.setAccountStatus(NAME, 'PANIC' as 'NORMAL')).toThrow(/one of NORMAL, MARGIN_CALL/);
  });

  it('with no maintenance margin there is no ratio to fall below: NORMAL', async () => {
    const body = await account();
    expect(body).toMatchObject({ accountMaintMargin: '0.00000000', accountStatus: 'NORMAL' });
  });

  it('the wallet is valued in USD: another asset, or a number that is not one, is refused', () => {
    expect(() => sim.setWallet(NAME, 'pm-cm', 'BTC', 1)).toThrow(/valued in USD here: give USDT, USDC, USD, not BTC/);
    expect(() => sim.setWallet(NAME, 'usdm', 'USDT', Number.NaN)).toThrow(/must be a finite number/);
    expect(() => sim.setWallet('nobody', 'usdm', 'USDT', 1)).toThrow(/no account named nobody/);
  });
});

describe('ADL quantiles', () => {
  const quantiles = async (path: string) =>
    Object.fromEntries((await signedGet(path)).body.map((r) => [r.symbol, r.adlQuantile]));

  it('by default from the leg’s return on margin: a loss 0, a big winner at the top', async () => {
    sim.setPositions(NAME, 'usdm', [
      btc(54_000), // −60 % on margin
      { ...btc(3_000), symbol: 'ETHUSDT', entryPrice: 2_000 }, // +500 % on margin
      { ...btc(101), symbol: 'SOLUSDT', entryPrice: 100 }, // +10 %
    ]);
    expect(await quantiles('/fapi/v1/adlQuantile')).toEqual({
      BTCUSDT: { LONG: 0, SHORT: 0, BOTH: 0 },
      ETHUSDT: { LONG: 0, SHORT: 0, BOTH: 4 },
      SOLUSDT: { LONG: 0, SHORT: 0, BOTH: 1 },
    });
  });

  it('hedge mode: cross legs both open share one value from both PnLs; isolated legs keep their own', async () => {
    const long = btc(60_000, { positionSide: 'LONG', entryPrice: 50_000 }); // +167 % on margin alone
    const short = btc(60_000, { positionSide: 'SHORT', positionAmt: -1, entryPrice: 55_000 }); // −83 %
    sim.setPositions('hedged', 'pm-um', [long, short]);
    const rows = await signedGet('/papi/v1/um/adlQuantile', { apiKey: 'hedgedKey01' });
    // Together: +10 000 − 5 000 on 12 000 of margin, +42 %.
    expect(rows.body[0]?.adlQuantile).toEqual({ LONG: 2, SHORT: 2, HEDGE: 0 });
    sim.setPositions('hedged', 'pm-um', [long, { ...short, marginType: 'isolated' }]);
    const isolated = await signedGet('/papi/v1/um/adlQuantile', { apiKey: 'hedgedKey01' });
    expect(isolated.body[0]?.adlQuantile).toEqual({ LONG: 4, SHORT: 0, BOTH: 0 });
  });

  it('a test sets one leg’s quantile; null gives the default back; out of range is refused', async () => {
    sim.setPositions(NAME, 'coinm', [btcCoin(60_000)]);
    sim.setAdlQuantile(NAME, 'coinm', 'BTCUSD_PERP', 'BOTH', 3);
    expect((await quantiles('/dapi/v1/adlQuantile')).BTCUSD_PERP).toMatchObject({ BOTH: 3 });
    sim.setAdlQuantile(NAME, 'coinm', 'BTCUSD_PERP', 'BOTH', null);
    expect((await quantiles('/dapi/v1/adlQuantile')).BTCUSD_PERP).toMatchObject({ BOTH: 0 });
    expect(() => sim.setAdlQuantile(NAME, 'coinm', 'BTCUSD_PERP', 'BOTH', 5)).toThrow(/from 0 to 4, got 5/);
  });
});

/** One signed call to the WebSocket API, its reply parsed. */
async function wsCall(method: string): Promise<{ status: number; result: Record<string, unknown> }> {
  const params: Record<string, string | number> = { apiKey: API_KEY, timestamp: sim.now() };
  const payload = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  params.signature = createHmac('sha256', SECRET).update(payload).digest('hex');
  const ws = new WebSocket(sim.wsUrl);
  try {
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve, { once: true });
      ws.addEventListener('error', reject, { once: true });
    });
    const reply = new Promise<string>((resolve) => {
      ws.addEventListener('message', (event) => resolve(String(event.data)), { once: true });
    });
    ws.send(JSON.stringify({ id: 'risk-1', method, params }));
    return JSON.parse(await reply);
  } finally {
    ws.close();
  }
}
