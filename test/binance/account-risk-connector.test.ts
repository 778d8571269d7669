/*
 * The exchange's own connectors (binance-connector-js) read the simulator's account and ADL quantile
 * pages: each connector's call is signed the way the exchange checks it, accepted, and gives the same
 * numbers as liqwatch's client. So the simulator serves the pages as the exchange documents them, not
 * only as liqwatch asks for them.
 */
import { DerivativesTradingCoinFutures } from '@binance/derivatives-trading-coin-futures';
import { DerivativesTradingPortfolioMargin } from '@binance/derivatives-trading-portfolio-margin';
import { DerivativesTradingUsdsFutures } from '@binance/derivatives-trading-usds-futures';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { BinanceClient, type RiskRequest } from '#binance/client.js';
import type { AccountRisk, AdlQuantile } from '#core/account-risk.js';
import type { SourceId } from '#core/position.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { account, book, CM_HEDGE, endpointOf, FAST, hmacKeys, signerOf, UM_HEDGE } from './scenario.js';

const NAME = 'connector-risk';
const keys = hmacKeys(NAME);
const API_SECRET = 'apiSecret' in keys.keys ? keys.keys.apiSecret : '';

let sim: ExchangeSimulator;
let client: BinanceClient;
let quiet: MockInstance[];
const disconnecting: Promise<void>[] = [];

beforeAll(async () => {
  // The connectors log at info level; the assertions say what matters.
  quiet = (['info', 'debug', 'log'] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
  sim = await startExchangeSimulator({
    accounts: [
      account(NAME, keys, {
        hedgeMode: true,
        positions: book(UM_HEDGE, CM_HEDGE),
        wallets: { usdm: { USDT: 5_000 }, coinm: { BTC: 0.2, ETH: 3 }, pm: { USDT: 2_000, USDC: 500 } },
      }),
    ],
  });
  client = new BinanceClient(FAST);
  sim.setAdlQuantile(NAME, 'pm-cm', 'ETHUSD_PERP', 'SHORT', 4);
});

afterAll(async () => {
  await Promise.all(disconnecting);
  await client.close();
  await sim.close();
  for (const spy of quiet) spy.mockRestore();
});

/** REST options: the simulator's URL, no retries, a short timeout, the account's HMAC key. */
function rest() {
  return { apiKey: keys.keys.apiKey, apiSecret: API_SECRET, basePath: sim.url, retries: 0, timeout: 3_000 };
}

async function ours(source: SourceId, parts: RiskRequest['parts'] = { account: true, adl: true }) {
  const req = { account: NAME, source, signer: signerOf(keys, NAME), endpoint: endpointOf(sim, source), parts };
  const [result] = await client.fetchRisks([req]);
  if (!result?.ok) throw result?.error ?? new Error('no result');
  return result;
}

/** A connector's ADL rows, as liqwatch's client normalises them. */
type AdlRow = { symbol?: string; adlQuantile?: Partial<Record<'LONG' | 'SHORT' | 'BOTH' | 'HEDGE', number | bigint>> };
function asQuantiles(source: SourceId, rows: AdlRow[]): AdlQuantile[] {
  return rows.flatMap((row) =>
    (['LONG', 'SHORT', 'BOTH'] as const).flatMap((positionSide) => {
      const q = row.adlQuantile?.[positionSide];
      return q === undefined
        ? []
        : [{ account: NAME, source, symbol: String(row.symbol), positionSide, quantile: Number(q) }];
    }),
  );
}

/** The cross risk of a connector's totals (USDⓈ-M) or asset row (COIN-M). */
type Totals = {
  totalMaintMargin?: string;
  totalMarginBalance?: string;
  totalWalletBalance?: string;
  availableBalance?: string;
};
function asUsdmRisk(source: SourceId, t: Totals): AccountRisk {
  return {
    kind: 'cross',
    account: NAME,
    source,
    asset: null,
    maintMargin: Number(t.totalMaintMargin),
    marginBalance: Number(t.totalMarginBalance),
    walletBalance: Number(t.totalWalletBalance),
    availableBalance: Number(t.availableBalance),
  };
}

describe('the official connectors read the simulator’s account-risk pages as liqwatch does', () => {
  it('USDⓈ-M REST accountInformationV2 and positionAdlQuantileEstimation', async () => {
    const usds = new DerivativesTradingUsdsFutures({ configurationRestAPI: rest() });
    const res = await usds.restAPI.accountInformationV2();
    const totals = await res.data();
    const adl = (await (await usds.restAPI.positionAdlQuantileEstimation()).data()) as AdlRow[];
    const mine = await ours('usdm');

    expect([asUsdmRisk('usdm', totals)]).toEqual(mine.risks);
    expect(asQuantiles('usdm', adl)).toEqual(mine.adl);
    // Hedge mode, cross legs: the HEDGE marker instead of BOTH.
    expect(adl.map((r) => Object.keys(r.adlQuantile ?? {}))).toEqual([
      ['LONG', 'SHORT', 'HEDGE'],
      ['LONG', 'SHORT', 'HEDGE'],
    ]);
    expect(totals.positions?.map((p) => p.positionSide)).toEqual(['LONG', 'SHORT', 'LONG', 'SHORT']);
    // The connector reads the weight header: the first call of the minute on fapi, weight 5.
    expect(res.rateLimits?.[0]).toMatchObject({ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', count: 5 });
  });

  it('USDⓈ-M WebSocket API accountInformationV2 (v2/account.status)', async () => {
    const usds = new DerivativesTradingUsdsFutures({
      configurationWebsocketAPI: { apiKey: keys.keys.apiKey, apiSecret: API_SECRET, wsURL: sim.wsUrl, timeout: 3_000 },
    });
    const connection = await usds.websocketAPI.connect();
    try {
      const res = await connection.accountInformationV2();
      const mine = await ours('usdm-ws', { account: true, adl: false });
      expect([asUsdmRisk('usdm-ws', res.data)]).toEqual(mine.risks);
      expect(res.data.assets?.map((a) => a.asset)).toEqual(['USDT']);
    } finally {
      disconnecting.push(connection.disconnect());
    }
  });

  it('COIN-M accountInformation and positionAdlQuantileEstimation: one risk per margin asset', async () => {
    const coin = new DerivativesTradingCoinFutures({ configurationRestAPI: rest() });
    const accountInfo = await (await coin.restAPI.accountInformation()).data();
    const adl = (await (await coin.restAPI.positionAdlQuantileEstimation()).data()) as AdlRow[];
    const mine = await ours('coinm');

    const theirs = (accountInfo.assets ?? []).map((a) => ({
      kind: 'cross',
      account: NAME,
      source: 'coinm',
      asset: a.asset,
      maintMargin: Number(a.maintMargin),
      marginBalance: Number(a.marginBalance),
      walletBalance: Number(a.walletBalance),
      availableBalance: Number(a.availableBalance),
    }));
    expect(theirs).toEqual(mine.risks);
    expect(mine.risks.map((r) => r.kind === 'cross' && r.asset)).toEqual(['BTC', 'ETH']);
    expect(asQuantiles('coinm', adl)).toEqual(mine.adl);
  });

  it('Portfolio Margin accountInformation, umPositionAdlQuantileEstimation and cmPositionAdlQuantileEstimation', async () => {
    const pm = new DerivativesTradingPortfolioMargin({ configurationRestAPI: rest() });
    const res = await pm.restAPI.accountInformation();
    const info = await res.data();
    const um = (await (await pm.restAPI.umPositionAdlQuantileEstimation()).data()) as AdlRow[];
    const cm = (await (await pm.restAPI.cmPositionAdlQuantileEstimation()).data()) as AdlRow[];
    const mineUm = await ours('pm-um');
    const mineCm = await ours('pm-cm', { account: false, adl: true });

    expect(mineUm.risks).toEqual([
      {
        kind: 'portfolio',
        account: NAME,
        source: 'pm-um',
        uniMMR: Number(info.uniMMR),
        accountStatus: info.accountStatus,
        accountEquity: Number(info.accountEquity),
        actualEquity: Number(info.actualEquity),
        accountMaintMargin: Number(info.accountMaintMargin),
        totalAvailableBalance: Number(info.totalAvailableBalance),
      },
    ]);
    expect(asQuantiles('pm-um', um)).toEqual(mineUm.adl);
    expect(asQuantiles('pm-cm', cm)).toEqual(mineCm.adl);
    expect(mineCm.adl.find((q) => q.symbol === 'ETHUSD_PERP' && q.positionSide === 'SHORT')?.quantile).toBe(4);
    // The connector reads the weight header: 20 for the account page, on papi.
    expect(res.rateLimits?.[0]).toMatchObject({ count: 20 });
  });

  it('every connector call was accepted, signed as the exchange checks it, and no secret was logged', () => {
    const risk = sim.requests.filter((r) => /account|adlQuantile/.test(r.path ?? r.method ?? ''));
    expect(risk.filter((r) => r.status !== 200)).toEqual([]);
    expect(risk.filter((r) => r.transport === 'ws').map((r) => r.method)).toEqual([
      'v2/account.status',
      'v2/account.status',
    ]);
    expect(JSON.stringify(sim.requests)).not.toContain(API_SECRET);
  });
});
