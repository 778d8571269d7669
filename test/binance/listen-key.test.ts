/*
 * Listen keys over the REST transport, against the simulator's `/fapi`, `/dapi` and `/papi` listen-key
 * endpoints: the API key alone, the documented answers and weights, -1125 once a key is gone, refused
 * keys and bans as every other call's, and the same keys the exchange's own connectors get.
 */
import { DerivativesTradingCoinFutures } from '@binance/derivatives-trading-coin-futures';
import { DerivativesTradingPortfolioMargin } from '@binance/derivatives-trading-portfolio-margin';
import { DerivativesTradingUsdsFutures } from '@binance/derivatives-trading-usds-futures';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { IpBannedError } from '#binance/errors.js';
import { isListenKeyGone, type ListenKeyRequest, ListenKeys } from '#binance/listen-key.js';
import { HttpTransport } from '#binance/rest.js';
import { Signer } from '#binance/sign.js';
import type { SourceId } from '#core/position.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { account, book, CM_ONE_WAY, failureOf, hmacKeys, signerOf, UM_ONE_WAY } from './scenario.js';
import { FakeClock } from './user-stream-fakes.js';

const keys = hmacKeys('keyed');
const API_SECRET = 'apiSecret' in keys.keys ? keys.keys.apiSecret : '';
const clock = new FakeClock();

let sim: ExchangeSimulator;
let http: HttpTransport;
let listenKeys: ListenKeys;
let quiet: MockInstance[];

beforeAll(async () => {
  // The connectors log at info level; the assertions say what matters.
  quiet = (['info', 'debug', 'log'] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
  sim = await startExchangeSimulator({
    accounts: [account('keyed', keys, { positions: book(UM_ONE_WAY, CM_ONE_WAY) })],
    now: clock.now,
  });
  http = new HttpTransport({ timeoutMs: 1_000, backoffMs: 5, keepAliveTimeoutMs: 1_000, now: clock.now });
  listenKeys = new ListenKeys(http);
});

afterAll(async () => {
  await http.close();
  await sim.close();
  for (const spy of quiet) spy.mockRestore();
});

const request = (source: SourceId, signer: Signer = signerOf(keys, 'keyed')): ListenKeyRequest => ({
  account: 'keyed',
  source,
  signer,
  endpoint: sim.url,
});

/** The simulator's log of listen-key calls since `from`: method and status (or code). */
const calls = (from: number) =>
  sim.requests
    .slice(from)
    .flatMap((r) => (r.path?.endsWith('/listenKey') ? [`${r.method} ${r.code ?? r.status}`] : []));

describe('listen keys', () => {
  it('a key is created, handed out again while active, kept alive and closed; each call weighs 1', async () => {
    const from = sim.requests.length;
    const key = await listenKeys.create(request('usdm'));
    expect(key).toMatch(/^[A-Za-z0-9]{64}$/);
    const weight = () => http.usedWeight().find((w) => w.host === sim.url)?.usedWeight1m ?? 0;
    const before = weight();
    // "Doing a POST on an account with an active listenKey will return the currently active listenKey."
    expect(await listenKeys.create(request('usdm-ws'))).toBe(key);
    await listenKeys.keepAlive(request('usdm'));
    expect(weight()).toBe(before + 2);
    await listenKeys.close(request('usdm'));
    const gone = await failureOf(listenKeys.keepAlive(request('usdm')));
    expect(gone).toMatchObject({
      account: 'keyed',
      source: 'usdm',
      endpoint: 'PUT /fapi/v1/listenKey',
      httpStatus: 400,
      exchangeCode: -1125,
      keysRefused: false,
    });
    expect(isListenKeyGone(gone)).toBe(true);
    expect(gone.message).toContain('This listenKey does not exist.');
    expect(calls(from)).toEqual(['POST 200', 'POST 200', 'PUT 200', 'DELETE 200', 'PUT -1125']);
    // The calls carry the key alone: no timestamp, no signature.
    expect(sim.requests.slice(from).every((r) => r.apiKey === keys.keys.apiKey)).toBe(true);
  });

  it('each product has a key of its own; Portfolio Margin one for both books', async () => {
    const [usdm, coinm, pmUm, pmCm] = await Promise.all(
      (['usdm', 'coinm', 'pm-um', 'pm-cm'] as const).map((s) => listenKeys.create(request(s))),
    );
    expect(new Set([usdm, coinm, pmUm]).size).toBe(3);
    expect(pmCm).toBe(pmUm);
    const paths = sim.requests.slice(-4).map((r) => r.path);
    expect(new Set(paths)).toEqual(new Set(['/fapi/v1/listenKey', '/dapi/v1/listenKey', '/papi/v1/listenKey']));
  });

  it('a key lives 60 minutes of the exchange’s clock from its last keepalive, then -1125 and a new key', async () => {
    const key = await listenKeys.create(request('coinm'));
    clock.skip(59 * 60_000);
    await listenKeys.keepAlive(request('coinm'));
    clock.skip(59 * 60_000);
    await listenKeys.keepAlive(request('coinm'));
    clock.skip(60 * 60_000);
    const gone = await failureOf(listenKeys.keepAlive(request('coinm')));
    expect(gone).toMatchObject({ endpoint: 'PUT /dapi/v1/listenKey', exchangeCode: -1125 });
    const renewed = await listenKeys.create(request('coinm'));
    expect(renewed).not.toBe(key);
  });

  it('a refused key is a SourceError naming the call, never the key', async () => {
    const stranger = Signer.fromKeys({ apiKey: `stranger-${'k'.repeat(30)}`, apiSecret: 's'.repeat(40) }, 'keyed');
    const refused = await failureOf(listenKeys.create(request('pm-um', stranger)));
    expect(refused).toMatchObject({
      endpoint: 'POST /papi/v1/listenKey',
      httpStatus: 401,
      exchangeCode: -2015,
      keysRefused: true,
    });
    expect(refused.message).toContain('keyed pm-um POST /papi/v1/listenKey: HTTP 401 code -2015');
    const malformed = Signer.fromKeys({ apiKey: 'not a key!', apiSecret: 's'.repeat(40) }, 'keyed');
    expect(await failureOf(listenKeys.create(request('usdm', malformed)))).toMatchObject({ exchangeCode: -2014 });
    for (const message of [refused.message, JSON.stringify(refused)]) {
      expect(message).not.toContain(stranger.apiKey);
      expect(message).not.toContain(keys.keys.apiKey);
    }
  });

  it('a 5xx is retried; a ban stops calls to the host until it ends', async () => {
    sim.clearFaults();
    const from = sim.requests.length;
    sim.injectFault({ path: '/fapi/v1/listenKey' }, { kind: 'status5xx' });
    await listenKeys.create(request('usdm'));
    expect(calls(from)).toEqual(['POST -1001', 'POST 200']); // a 503 with the exchange's -1001

    const own = new HttpTransport({ retries: 0, now: clock.now });
    const banned = new ListenKeys(own);
    try {
      sim.injectFault({ path: '/dapi/v1/listenKey' }, { kind: 'ban418', retryAfterSec: 120 });
      expect(await failureOf(banned.keepAlive(request('coinm')))).toBeInstanceOf(IpBannedError);
      const next = sim.requests.length;
      const blocked = await failureOf(banned.create(request('coinm')));
      expect(blocked.message).toContain('not called: the host asked us to wait 120 s more');
      expect(sim.requests.length).toBe(next);
    } finally {
      await own.close();
    }
  });

  it('the endpoint must be an http(s) REST base', async () => {
    const wrong = await failureOf(listenKeys.create({ ...request('usdm-ws'), endpoint: sim.userStreamUrl('usdm') }));
    expect(wrong).toMatchObject({ kind: 'request', endpoint: 'POST /fapi/v1/listenKey' });
    expect(wrong.message).toContain('must be http or https');
  });
});

describe('the official connectors manage the same keys', () => {
  const rest = () => ({
    apiKey: keys.keys.apiKey,
    apiSecret: API_SECRET,
    basePath: sim.url,
    retries: 0,
    timeout: 3_000,
  });

  it('USDⓈ-M: start, keepalive and close as liqwatch does', async () => {
    const usds = new DerivativesTradingUsdsFutures({ configurationRestAPI: rest() });
    const started = await (await usds.restAPI.startUserDataStream()).data();
    expect(started.listenKey).toBe(await listenKeys.create(request('usdm')));
    // USDⓈ-M's keepalive answers with the key (its page's example).
    expect((await (await usds.restAPI.keepaliveUserDataStream()).data()).listenKey).toBe(started.listenKey);
    await usds.restAPI.closeUserDataStream();
    expect(isListenKeyGone(await failureOf(listenKeys.keepAlive(request('usdm'))))).toBe(true);
  });

  it('COIN-M and Portfolio Margin: the connectors’ keys are liqwatch’s', async () => {
    const coin = new DerivativesTradingCoinFutures({ configurationRestAPI: rest() });
    const pm = new DerivativesTradingPortfolioMargin({ configurationRestAPI: rest() });
    const coinKey = (await (await coin.restAPI.startUserDataStream()).data()).listenKey;
    const pmKey = (await (await pm.restAPI.startUserDataStream()).data()).listenKey;
    expect(coinKey).toBe(await listenKeys.create(request('coinm')));
    expect(pmKey).toBe(await listenKeys.create(request('pm-cm')));
    await coin.restAPI.keepaliveUserDataStream();
    await pm.restAPI.closeUserDataStream();
    await listenKeys.keepAlive(request('coinm'));
    expect(isListenKeyGone(await failureOf(listenKeys.keepAlive(request('pm-um'))))).toBe(true);
  });
});
