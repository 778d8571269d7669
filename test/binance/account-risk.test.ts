import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_PAGES, ADL_PAGES } from '#binance/account-risk.js';
import { toCoinmRisks, toPortfolioRisks, toUsdmRisks } from '#binance/account-rows.js';
import { toAdlQuantiles } from '#binance/adl-rows.js';
import { BinanceClient, type RiskRequest } from '#binance/client.js';
import { Signer } from '#binance/sign.js';
import type { SourceId } from '#core/position.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import {
  cmAdlQuantiles,
  coinmAccount,
  pmAccount,
  umAdlQuantiles,
  usdmAccount,
  usdmWsAccountReply,
} from './account-risk-examples.js';
import {
  ALL_SOURCES,
  account,
  book,
  CM_HEDGE,
  CM_ONE_WAY,
  endpointOf,
  FAST,
  hmacKeys,
  signerOf,
  UM_HEDGE,
  UM_ONE_WAY,
} from './scenario.js';

/*
 * `fetchRisks` reads an account's margin numbers (`/fapi/v2/account`, `v2/account.status`,
 * `/dapi/v1/account`, `/papi/v1/account`) and its legs' ADL quantiles (the four `adlQuantile` pages),
 * normalised to the core's `AccountRisk` and `AdlQuantile`, over the transport the positions use.
 */

describe('the pages’ own examples', () => {
  it('USDⓈ-M, REST and WebSocket API: the totals are one cross risk with no asset', () => {
    expect(toUsdmRisks(usdmAccount, 'main', 'usdm')).toEqual([
      {
        kind: 'cross',
        account: 'main',
        source: 'usdm',
        asset: null,
        maintMargin: 0,
        marginBalance: 23.72469206,
        walletBalance: 23.72469206,
        availableBalance: 23.72469206,
      },
    ]);
    expect(toUsdmRisks(usdmWsAccountReply.result, 'main', 'usdm-ws')).toEqual([
      expect.objectContaining({ source: 'usdm-ws', asset: null, marginBalance: 103.12345678 }),
    ]);
  });

  it('COIN-M: one risk per margin asset that holds anything, in the coin', () => {
    const risks = toCoinmRisks(coinmAccount, 'main', 'coinm');
    expect(risks.map((r) => r.asset)).toEqual(['BTC', 'ETH']);
    expect(risks[1]).toEqual({
      kind: 'cross',
      account: 'main',
      source: 'coinm',
      asset: 'ETH',
      maintMargin: 0.025,
      marginBalance: 1.05,
      walletBalance: 1.2,
      availableBalance: 0.8,
    });
  });

  it('Portfolio Margin: uniMMR and status; the empty available balance is unknown, not 0', () => {
    expect(toPortfolioRisks(pmAccount, 'pm', 'pm-cm')).toEqual([
      {
        kind: 'portfolio',
        account: 'pm',
        source: 'pm-cm',
        uniMMR: 5167.92171923,
        accountStatus: 'NORMAL',
        accountEquity: 73.47428058,
        actualEquity: 122607.35137903,
        accountMaintMargin: 23.72469206,
        totalAvailableBalance: null,
      },
    ]);
  });

  it('Portfolio Margin with no maintenance margin has no uniMMR, whatever the field holds', () => {
    const [risk] = toPortfolioRisks({ ...pmAccount, accountMaintMargin: '0.00000000' }, 'pm', 'pm-um');
    expect(risk?.uniMMR).toBeNull();
  });

  it.each([
    ['usdm', umAdlQuantiles, 'ETHUSDT', 'BTCUSDT'],
    ['coinm', cmAdlQuantiles, 'BTCUSD_200925', 'BTCUSD_201225'],
  ] as const)('%s ADL: every side but the HEDGE marker', (source, rows, hedged, oneWay) => {
    const legs = toAdlQuantiles(rows, 'main', source).map((q) => `${q.symbol} ${q.positionSide} ${q.quantile}`);
    expect(legs).toEqual([
      `${hedged} LONG 3`,
      `${hedged} SHORT 3`,
      `${oneWay} LONG 1`,
      `${oneWay} SHORT 2`,
      `${oneWay} BOTH 0`,
    ]);
  });

  it('numbers as JSON numbers or strings, and unknown extra fields, are read', () => {
    const account = { ...usdmAccount, totalMaintMargin: 12.5, totalMarginBalance: '250', novelField: { x: 1 } };
    expect(toUsdmRisks(account, 'main', 'usdm')[0]).toMatchObject({ maintMargin: 12.5, marginBalance: 250 });
    const rows = [{ symbol: 'BTCUSDT', adlQuantile: { BOTH: '4', LONG: 0, SHORT: 0, NEXT: 9 }, extra: true }];
    expect(toAdlQuantiles(rows, 'main', 'usdm').find((q) => q.positionSide === 'BOTH')?.quantile).toBe(4);
    expect(toPortfolioRisks({ ...pmAccount, newRatio: '1.1' }, 'pm', 'pm-um')).toHaveLength(1);
  });

  it.each([
    [
      'usdm',
      () => toUsdmRisks({ ...usdmAccount, totalMaintMargin: undefined }, 'm', 'usdm'),
      /totalMaintMargin: expected a decimal number, got nothing/,
    ],
    [
      'coinm',
      () =>
        toCoinmRisks(
          { assets: [coinmAccount.assets[0], { ...coinmAccount.assets[1], marginBalance: 'lots' }] },
          'm',
          'coinm',
        ),
      /assets\[1\]\.marginBalance: expected a decimal number, got "lots"/,
    ],
    ['pm', () => toPortfolioRisks({ ...pmAccount, accountStatus: undefined }, 'm', 'pm-um'), /accountStatus/],
    [
      'ADL',
      () => toAdlQuantiles([umAdlQuantiles[0], { symbol: 'BTCUSDT', adlQuantile: { LONG: 7 } }], 'm', 'usdm'),
      /\[1\]\.adlQuantile\.LONG: expected a quantile from 0 to 4, got 7/,
    ],
    [
      'ADL, not an array',
      () => toAdlQuantiles({ code: 200, data: [] }, 'm', 'usdm'),
      /not the documented array of ADL quantiles/,
    ],
  ])('%s: a malformed answer is refused, naming the field', (_, read, message) => {
    expect(read).toThrow(message);
  });
});

const oneWay = hmacKeys('risk-oneway');
const hedge = hmacKeys('risk-hedge');
const WALLETS = { usdm: { USDT: 10_000 }, coinm: { BTC: 0.5, ETH: 5 }, pm: { USDT: 20_000 } };

describe('fetchRisks against the simulator', () => {
  let t: number;
  const now = () => t;
  let sim: ExchangeSimulator;
  let client: BinanceClient;

  beforeEach(async () => {
    t = 1_800_000_000_000;
    sim = await startExchangeSimulator({
      now,
      accounts: [
        account('risk-oneway', oneWay, { positions: book(UM_ONE_WAY, CM_ONE_WAY), wallets: WALLETS }),
        account('risk-hedge', hedge, { hedgeMode: true, positions: book(UM_HEDGE, CM_HEDGE), wallets: WALLETS }),
      ],
    });
    client = new BinanceClient({ ...FAST, now });
  });
  afterEach(async () => {
    await client.close();
    await sim.close();
  });

  function request(
    name: 'risk-oneway' | 'risk-hedge',
    source: SourceId,
    extra: Partial<RiskRequest> = {},
  ): RiskRequest {
    const keys = name === 'risk-oneway' ? oneWay : hedge;
    const signer = signerOf(keys, name);
    return {
      account: name,
      source,
      signer,
      endpoint: endpointOf(sim, source),
      parts: { account: true, adl: true },
      ...extra,
    };
  }
  async function risksOf(req: RiskRequest) {
    const [result] = await client.fetchRisks([req]);
    if (!result?.ok) throw result?.error ?? new Error('no result');
    return result;
  }

  it.each(['usdm', 'usdm-ws'] as const)(
    '%s: the book’s maintenance margin, wallet and PnL at the mark',
    async (source) => {
      const { risks, adl } = await risksOf(request('risk-oneway', source));
      // 0.5 % of 30 500 + 6 200 + 1 450 notional; PnL +500 −200 +50; initial margin 6 100 + 310 + 725.
      expect(risks).toEqual([
        {
          kind: 'cross',
          account: 'risk-oneway',
          source,
          asset: null,
          maintMargin: 190.75,
          marginBalance: 10_350,
          walletBalance: 10_000,
          availableBalance: 3_215,
        },
      ]);
      expect(adl.filter((q) => q.positionSide === 'BOTH').map((q) => q.symbol)).toEqual([
        'BTCUSDT',
        'ETHUSDT',
        'SOLUSDT',
      ]);
      // The WebSocket API has no ADL method: its REST host's page is read.
      const called = sim.requests.filter((r) => r.status === 200).map((r) => r.path ?? r.method);
      expect(called).toContain(source === 'usdm' ? '/fapi/v2/account' : 'v2/account.status');
      expect(called).toContain('/fapi/v1/adlQuantile');
    },
  );

  it('coinm: several margin assets, each in its coin', async () => {
    const risks = (await risksOf(request('risk-oneway', 'coinm'))).risks.flatMap((r) =>
      r.kind === 'cross' ? [r] : [],
    );
    expect(risks.map((r) => [r.asset, r.walletBalance])).toEqual([
      ['BTC', 0.5],
      ['ETH', 5],
    ]);
    // BTC: 0.5 % of 300 USD at 61 000 and 100 USD at 62 500, in BTC.
    expect(risks[0]?.maintMargin).toBeCloseTo(0.005 * (300 / 61_000 + 100 / 62_500), 8);
  });

  it.each(['pm-um', 'pm-cm'] as const)(
    '%s: the one Portfolio Margin account, keyed under the source read',
    async (source) => {
      const { risks, adl } = await risksOf(request('risk-oneway', source));
      expect(risks).toEqual([expect.objectContaining({ kind: 'portfolio', source, accountStatus: 'NORMAL' })]);
      const [risk] = risks;
      if (risk?.kind !== 'portfolio') throw new Error('expected a Portfolio Margin risk');
      expect(risk.uniMMR).toBeCloseTo(risk.accountEquity / risk.accountMaintMargin, 6);
      expect(adl.every((q) => q.source === source)).toBe(true);
    },
  );

  it('hedge mode: both cross legs of a symbol share one quantile; a flat side is 0', async () => {
    const { adl } = await risksOf(request('risk-hedge', 'usdm', { parts: { account: false, adl: true } }));
    expect(adl.map((q) => `${q.symbol} ${q.positionSide} ${q.quantile}`)).toEqual([
      'BTCUSDT LONG 1',
      'BTCUSDT SHORT 1',
      'ETHUSDT LONG 0',
      'ETHUSDT SHORT 0',
    ]);
    expect(sim.requests.map((r) => r.path)).not.toContain('/fapi/v2/account');
  });

  it('a quantile the simulator is told is read as told', async () => {
    sim.setAdlQuantile('risk-hedge', 'usdm-ws', 'ETHUSDT', 'SHORT', 4);
    const { adl } = await risksOf(request('risk-hedge', 'usdm', { parts: { account: false, adl: true } }));
    expect(adl.find((q) => q.symbol === 'ETHUSDT' && q.positionSide === 'SHORT')?.quantile).toBe(4);
  });

  it.each([
    ['usdm', 'account', 5],
    ['usdm', 'adl', 5],
    ['usdm-ws', 'account', 5],
    ['coinm', 'account', 5],
    ['coinm', 'adl', 5],
    ['pm-um', 'account', 20],
    ['pm-um', 'adl', 5],
    ['pm-cm', 'adl', 5],
  ] as const)('%s %s costs the documented %i, as the simulator counts it', async (source, part, weight) => {
    const parts = { account: part === 'account', adl: part === 'adl' };
    await risksOf(request('risk-oneway', source, { parts }));
    const origin = source === 'usdm-ws' && part === 'account' ? new URL(sim.wsUrl).origin : sim.url;
    // The clock probe (time or ping) counts 1 on the same host family.
    expect(client.usedWeight().find((w) => w.host === origin)?.usedWeight1m).toBe(weight + 1);
    expect((part === 'account' ? ACCOUNT_PAGES : ADL_PAGES)[source].weight).toBe(weight);
  });

  it('a refused key fails the request naming its account, source and endpoint, never the secret', async () => {
    const stranger = Signer.fromKeys({ apiKey: 'unknownKey01', apiSecret: 'stranger-secret-9Tq' }, 'risk-oneway');
    const [result] = await client.fetchRisks([request('risk-oneway', 'pm-um', { signer: stranger })]);
    expect(result).toMatchObject({ ok: false, account: 'risk-oneway', source: 'pm-um' });
    const error = result?.ok === false ? result.error : undefined;
    expect(error).toMatchObject({ exchangeCode: -2015, keysRefused: true, endpoint: 'GET /papi/v1/account' });
    expect(error?.message).toContain('risk-oneway pm-um GET /papi/v1/account: HTTP 401 code -2015');
    expect(error?.message).not.toContain('stranger-secret');
  });

  it('a malformed ADL answer fails its request, named; the account part read apart still answers', async () => {
    sim.injectFault({ path: '/dapi/v1/adlQuantile' }, { kind: 'malformed' });
    const [both, accountOnly] = await client.fetchRisks([
      request('risk-oneway', 'coinm'),
      request('risk-oneway', 'coinm', { parts: { account: true, adl: false } }),
    ]);
    expect(both).toMatchObject({ ok: false, error: { kind: 'malformed', endpoint: 'GET /dapi/v1/adlQuantile' } });
    expect(both?.ok === false && both.error.message).toMatch(/not the documented array of ADL quantiles/);
    expect(accountOnly).toMatchObject({ ok: true, risks: [{ asset: 'BTC' }, { asset: 'ETH' }] });
  });

  it('a malformed account answer is refused, naming the field', async () => {
    sim.injectFault({ path: '/papi/v1/account' }, { kind: 'malformed' });
    const [result] = await client.fetchRisks([
      request('risk-oneway', 'pm-cm', { parts: { account: true, adl: false } }),
    ]);
    expect(result?.ok === false && result.error.message).toMatch(
      /risk-oneway pm-cm GET \/papi\/v1\/account: HTTP 200 the account is not the documented shape: accountEquity: expected a decimal number/,
    );
  });

  it('the cycle’s rules: a deadline already passed calls nothing, each failure naming its first endpoint', async () => {
    const results = await client.fetchRisks(
      ALL_SOURCES.map((source) => request('risk-oneway', source)),
      { deadline: t - 1 },
    );
    expect(results.map((r) => (r.ok ? 'ok' : `${r.error.kind} ${r.error.endpoint}`))).toEqual([
      'deadline GET /fapi/v2/account',
      'deadline ws v2/account.status',
      'deadline GET /dapi/v1/account',
      'deadline GET /papi/v1/account',
      'deadline GET /papi/v1/account',
    ]);
    expect(sim.requests).toEqual([]);
  });

  it('a request for nothing is refused before any call', async () => {
    const [result] = await client.fetchRisks([
      request('risk-oneway', 'usdm', { parts: { account: false, adl: false } }),
    ]);
    expect(result).toMatchObject({ ok: false, error: { kind: 'request', endpoint: 'GET /fapi/v1/adlQuantile' } });
    expect(sim.requests).toEqual([]);
  });
});
