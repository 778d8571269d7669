import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { Agent, request, WebSocket } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ExchangeSimulator,
  manyPositions,
  renderRow,
  type SimAccount,
  type SimPosition,
  type SourceId,
  startExchangeSimulator,
} from '#local/exchange-simulator/index.js';
import * as forceExamples from '../binance/force-order-examples.js';
import * as seed from '../fixtures/seed-rows.js';

const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: KeyObject, type: 'spki' | 'pkcs8') => String(key.export({ type, format: 'pem' }));

const MAIN_SECRET = 'main-secret-Zq7vLk2';
const HEDGE_SECRET = 'hedge-secret-Pw93xT';

/** Signs a payload the way a client would with a given key. */
type SignFn = (payload: string) => string;
const hmac =
  (secret: string): SignFn =>
  (payload) =>
    createHmac('sha256', secret).update(payload).digest('hex');
const signEd25519: SignFn = (payload) => sign(null, Buffer.from(payload), ed.privateKey).toString('base64');
const signRsa: SignFn = (payload) => sign('sha256', Buffer.from(payload), rsa.privateKey).toString('base64');

const btcLong: SimPosition = {
  symbol: 'BTCUSDT',
  positionAmt: 0.5,
  entryPrice: 60_000,
  markPrice: 61_000,
  liquidationPrice: 50_000,
  leverage: 10,
  updateTime: 1_700_000_000_000,
};
const ethShort: SimPosition = {
  symbol: 'ETHUSDT',
  positionAmt: -2,
  entryPrice: 3_000,
  markPrice: 3_100,
  liquidationPrice: 3_600,
  leverage: 5,
  updateTime: 1_700_000_000_000,
};
const coinLegs: SimPosition[] = [
  { symbol: 'BTCUSD_PERP', positionAmt: 3, entryPrice: 60_000, markPrice: 61_000, liquidationPrice: 40_000 },
  { symbol: 'ETHUSD_PERP', positionAmt: -10, entryPrice: 3_000, markPrice: 3_100, liquidationPrice: 4_000 },
  { symbol: 'ETHUSD_240927', positionAmt: 4, entryPrice: 3_050, markPrice: 3_100 },
];

function accounts(): SimAccount[] {
  return [
    {
      name: 'main',
      apiKey: 'mainKey0001',
      apiSecret: MAIN_SECRET,
      positions: {
        usdm: [btcLong, ethShort],
        'usdm-ws': [btcLong, ethShort],
        coinm: coinLegs,
        'pm-um': [btcLong],
        'pm-cm': coinLegs,
      },
    },
    {
      name: 'hedge',
      apiKey: 'hedgeKey0002',
      apiSecret: HEDGE_SECRET,
      hedgeMode: true,
      positions: {
        usdm: [{ ...btcLong, positionSide: 'LONG' }],
        'usdm-ws': [{ ...btcLong, positionSide: 'LONG' }],
        coinm: [{ symbol: 'BTCUSD_PERP', positionSide: 'LONG', positionAmt: 1, entryPrice: 60_000, markPrice: 61_000 }],
        'pm-um': [
          { ...btcLong, positionSide: 'LONG' },
          { ...btcLong, positionSide: 'SHORT', positionAmt: 0 },
          { ...ethShort, positionSide: 'SHORT' },
        ],
        'pm-cm': [
          { symbol: 'BTCUSD_PERP', positionSide: 'LONG', positionAmt: 2, entryPrice: 60_000, markPrice: 61_000 },
          { symbol: 'BTCUSD_PERP', positionSide: 'SHORT', positionAmt: 0, entryPrice: 0, markPrice: 61_000 },
        ],
      },
    },
    { name: 'ed', apiKey: 'edKey0003', publicKeyPem: pem(ed.publicKey, 'spki'), positions: { usdm: [btcLong] } },
    { name: 'rsa', apiKey: 'rsaKey0004', publicKeyPem: pem(rsa.publicKey, 'spki'), positions: { usdm: [btcLong] } },
  ];
}

const agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
let sim: ExchangeSimulator;

beforeAll(async () => {
  sim = await startExchangeSimulator({ accounts: accounts() });
});
afterEach(() => {
  sim.clearFaults();
  sim.setLatency(0);
  sim.setClockSkew(0);
});
afterAll(async () => {
  await agent.close();
  await sim.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => unknown;
}

async function get(
  path: string,
  opts: { apiKey?: string; query?: string; signal?: AbortSignal; on?: ExchangeSimulator } = {},
): Promise<Answer> {
  const target = opts.on ?? sim;
  const res = await request(`${target.url}${path}${opts.query === undefined ? '' : `?${opts.query}`}`, {
    dispatcher: agent,
    headers: opts.apiKey === undefined ? {} : { 'X-MBX-APIKEY': opts.apiKey },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

/**
 * A signed GET as the exchange documents it: the parameters, then `timestamp`, signed over that exact
 * query string, with `&signature=` last and URL-encoded.
 */
function signedGet(
  path: string,
  opts: {
    apiKey?: string;
    signer?: SignFn;
    params?: Record<string, string>;
    timestamp?: number | string | null;
    recvWindow?: number;
    signature?: string | null;
    signal?: AbortSignal;
    on?: ExchangeSimulator;
  } = {},
): Promise<Answer> {
  const target = opts.on ?? sim;
  const parts = Object.entries(opts.params ?? {}).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  if (opts.recvWindow !== undefined) parts.push(`recvWindow=${opts.recvWindow}`);
  if (opts.timestamp !== null) parts.push(`timestamp=${opts.timestamp ?? target.now()}`);
  const query = parts.join('&');
  const signature = opts.signature === undefined ? (opts.signer ?? hmac(MAIN_SECRET))(query) : opts.signature;
  return get(path, {
    apiKey: opts.apiKey ?? 'mainKey0001',
    query: signature === null ? query : `${query}&signature=${encodeURIComponent(signature)}`,
    on: target,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

const PATHS: Record<Exclude<SourceId, 'usdm-ws'>, string> = {
  usdm: '/fapi/v2/positionRisk',
  coinm: '/dapi/v1/positionRisk',
  'pm-um': '/papi/v1/um/positionRisk',
  'pm-cm': '/papi/v1/cm/positionRisk',
};

type Row = Record<string, unknown>;

/** A seed row back in plain numbers, so the simulator can be asked to render it. */
function fromSeed(row: Row): SimPosition {
  const num = (name: string) => (row[name] === undefined ? undefined : Number(row[name]));
  const p: Record<string, unknown> = {
    symbol: row.symbol,
    positionSide: row.positionSide,
    positionAmt: num('positionAmt'),
    entryPrice: num('entryPrice'),
    markPrice: num('markPrice'),
    liquidationPrice: num('liquidationPrice'),
    leverage: num('leverage'),
    marginType: row.marginType,
    isolatedMargin: num('isolatedMargin'),
    unrealizedProfit: num('unRealizedProfit'),
    breakEvenPrice: num('breakEvenPrice'),
    notional: num('notional') ?? num('notionalValue'),
    maxNotionalValue: num('maxNotionalValue'),
    maxQty: num('maxQty'),
    updateTime: row.updateTime,
  };
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as SimPosition;
}

/** Same field set, same text where the text is not a number, same value where it is. */
function expectSameRow(actual: Row, expected: Row): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, value] of Object.entries(expected)) {
    const got = actual[name];
    expect(typeof got, name).toBe(typeof value);
    if (typeof value === 'string' && value !== '' && Number.isFinite(Number(value))) {
      expect(Number(got), name).toBe(Number(value));
    } else {
      expect(got, name).toEqual(value);
    }
  }
}

const SEEDS: [SourceId, boolean, Row[]][] = [
  ['usdm', false, seed.usdmOneWay],
  ['usdm', true, seed.usdmHedge],
  ['usdm-ws', true, seed.usdmHedge],
  ['coinm', true, seed.coinmHedge],
  ['pm-um', false, seed.pmUmOneWay],
  ['pm-um', true, seed.pmUmHedge],
  ['pm-cm', false, seed.pmCmOneWay],
  ['pm-cm', true, seed.pmCmHedge],
];

describe('rows: the exact field set of each seed page', () => {
  it.each(SEEDS)('%s (hedge mode %s): renderRow gives back the seed example', (source, hedge, rows) => {
    for (const row of rows) expectSameRow(renderRow(source, fromSeed(row), hedge), row);
  });

  it('every number is a string except updateTime, and "0" stands for no liquidation price', () => {
    const row = renderRow('usdm', { symbol: 'BTCUSDT', positionAmt: 0, entryPrice: 0, markPrice: 100 });
    for (const [name, value] of Object.entries(row)) {
      expect(typeof value, name).toBe(name === 'updateTime' ? 'number' : 'string');
    }
    expect(row.liquidationPrice).toBe('0');
    expect(row.positionSide).toBe('BOTH');
  });

  it.each(SEEDS.filter(([source]) => source !== 'usdm-ws'))(
    '%s (hedge mode %s): the REST endpoint serves the seed rows',
    async (source, hedge, rows) => {
      // Prepare
      const account = hedge ? 'hedge' : 'main';
      const apiKey = hedge ? 'hedgeKey0002' : 'mainKey0001';
      sim.setPositions(account, source, rows.map(fromSeed));
      // Act
      const res = await signedGet(PATHS[source as keyof typeof PATHS], {
        apiKey,
        signer: hmac(hedge ? HEDGE_SECRET : MAIN_SECRET),
      });
      // Assess
      expect(res.status).toBe(200);
      const body = res.json() as Row[];
      // Portfolio Margin in hedge mode lists only legs that hold a position (seeds 002 and 004).
      const expected = hedge && source.startsWith('pm-') ? rows.filter((r) => Number(r.positionAmt) !== 0) : rows;
      expect(body).toHaveLength(expected.length);
      body.forEach((row, i) => {
        expectSameRow(row, expected[i]!);
      });
      sim.setPositions(account, source, accounts().find((a) => a.name === account)!.positions[source] ?? []);
    },
  );
});

describe('one-way and hedge mode', () => {
  it('one-way mode: one BOTH leg per symbol', async () => {
    const body = (await signedGet(PATHS.usdm)).json() as Row[];
    expect(body.map((r) => [r.symbol, r.positionSide, r.positionAmt])).toEqual([
      ['BTCUSDT', 'BOTH', '0.5'],
      ['ETHUSDT', 'BOTH', '-2'],
    ]);
  });

  it('hedge mode: a LONG and a SHORT leg, the flat one with liquidationPrice "0"', async () => {
    const body = (await signedGet(PATHS.usdm, { apiKey: 'hedgeKey0002', signer: hmac(HEDGE_SECRET) })).json() as Row[];
    expect(body.map((r) => [r.positionSide, r.positionAmt, r.liquidationPrice])).toEqual([
      ['LONG', '0.5', '50000'],
      ['SHORT', '0', '0'],
    ]);
  });

  it('COIN-M hedge mode adds the flat BOTH leg (seed 003)', async () => {
    const body = (await signedGet(PATHS.coinm, { apiKey: 'hedgeKey0002', signer: hmac(HEDGE_SECRET) })).json() as Row[];
    expect(body.map((r) => r.positionSide)).toEqual(['BOTH', 'LONG', 'SHORT']);
  });

  it('Portfolio Margin hedge mode lists only legs holding a position', async () => {
    const um = (
      await signedGet(PATHS['pm-um'], { apiKey: 'hedgeKey0002', signer: hmac(HEDGE_SECRET) })
    ).json() as Row[];
    expect(um.map((r) => [r.symbol, r.positionSide])).toEqual([
      ['BTCUSDT', 'LONG'],
      ['ETHUSDT', 'SHORT'],
    ]);
    const cm = (
      await signedGet(PATHS['pm-cm'], { apiKey: 'hedgeKey0002', signer: hmac(HEDGE_SECRET) })
    ).json() as Row[];
    expect(cm.map((r) => r.positionSide)).toEqual(['LONG']);
  });

  it('setPositions and updatePositions change what the next read returns', async () => {
    sim.updatePositions('main', 'pm-um', (legs) => legs.map((p) => ({ ...p, markPrice: 52_000 })));
    const body = (await signedGet(PATHS['pm-um'])).json() as Row[];
    expect(body[0]?.markPrice).toBe('52000.00000000');
    sim.setPositions('main', 'pm-um', []);
    expect((await signedGet(PATHS['pm-um'])).json()).toEqual([]);
    sim.setPositions('main', 'pm-um', [btcLong]);
    expect(() => sim.setPositions('nobody', 'usdm', [])).toThrow(/no account named nobody/);
  });
});

describe('filters', () => {
  it('symbol keeps only that symbol', async () => {
    const body = (await signedGet(PATHS.usdm, { params: { symbol: 'ETHUSDT' } })).json() as Row[];
    expect(body.map((r) => r.symbol)).toEqual(['ETHUSDT']);
  });

  it('a listed symbol the account does not hold gives an empty list', async () => {
    expect((await signedGet(PATHS.usdm, { params: { symbol: 'SOLUSDT' } })).json()).toEqual([]);
  });

  it('an unknown symbol is refused with -1121', async () => {
    const res = await signedGet(PATHS['pm-um'], { params: { symbol: 'NOPEUSDT' } });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ code: -1121, msg: 'Invalid symbol.' });
  });

  it('COIN-M filters by marginAsset or by pair', async () => {
    const byAsset = (await signedGet(PATHS.coinm, { params: { marginAsset: 'ETH' } })).json() as Row[];
    expect(byAsset.map((r) => r.symbol)).toEqual(['ETHUSD_PERP', 'ETHUSD_240927']);
    const byPair = (await signedGet(PATHS['pm-cm'], { params: { pair: 'BTCUSD' } })).json() as Row[];
    expect(byPair.map((r) => r.symbol)).toEqual(['BTCUSD_PERP']);
  });

  it('COIN-M refuses marginAsset and pair together', async () => {
    const res = await signedGet(PATHS.coinm, { params: { marginAsset: 'BTC', pair: 'BTCUSD' } });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ code: -1130, msg: expect.stringMatching(/marginAsset or pair, not both/) });
  });
});

describe('signed requests: the exchange refuses what it would refuse', () => {
  const INVALID_KEY = {
    code: -2015,
    msg: 'Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1',
  };

  it('a missing API key is refused with 401 -2015', async () => {
    const res = await get(PATHS.usdm, { query: `timestamp=${sim.now()}` });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual(INVALID_KEY);
  });

  it('an unknown API key is refused with 401 -2015', async () => {
    const res = await signedGet(PATHS.coinm, { apiKey: 'someoneElse' });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual(INVALID_KEY);
  });

  it('a malformed API key is refused with -2014', async () => {
    const res = await signedGet(PATHS.usdm, { apiKey: 'not a key!' });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ code: -2014, msg: 'API-key format invalid.' });
  });

  it.each([
    ['missing', null],
    ['malformed', 'yesterday'],
  ])('a %s timestamp is refused with -1102', async (_, timestamp) => {
    const res = await signedGet(PATHS['pm-cm'], { timestamp });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
    });
  });

  it('a timestamp 1000 ms or more ahead of the server is refused; 500 ms ahead is fine', async () => {
    const ahead = await signedGet(PATHS.usdm, { timestamp: sim.now() + 1_500 });
    expect(ahead.status).toBe(400);
    expect(ahead.json()).toEqual({
      code: -1021,
      msg: "Timestamp for this request was 1000ms ahead of the server's time.",
    });
    expect((await signedGet(PATHS.usdm, { timestamp: sim.now() + 500 })).status).toBe(200);
  });

  it('a timestamp older than recvWindow is refused; a wider recvWindow lets it in', async () => {
    const old = await signedGet(PATHS.usdm, { timestamp: sim.now() - 6_000 });
    expect(old.status).toBe(400);
    expect(old.json()).toEqual({ code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' });
    expect((await signedGet(PATHS.usdm, { timestamp: sim.now() - 6_000, recvWindow: 10_000 })).status).toBe(200);
    const narrow = await signedGet(PATHS.usdm, { timestamp: sim.now() - 2_000, recvWindow: 1_000 });
    expect((narrow.json() as { code: number }).code).toBe(-1021);
  });

  it('a recvWindow above 60000 is refused', async () => {
    const res = await signedGet(PATHS.usdm, { recvWindow: 70_000 });
    expect(res.status).toBe(400);
    expect((res.json() as { code: number }).code).toBe(-1131);
  });

  it('the server clock is skewed: a client on the local clock is refused until it follows the server', async () => {
    sim.setClockSkew(-30_000);
    expect((await signedGet(PATHS.usdm, { timestamp: Date.now() })).json()).toMatchObject({ code: -1021 });
    expect((await signedGet(PATHS.usdm)).status).toBe(200);
  });

  it.each([
    ['a wrong secret', { signer: hmac('not-the-secret') }],
    ['no signature', { signature: null }],
    ['a signature of other parameters', { signature: hmac(MAIN_SECRET)('timestamp=1') }],
    ['an RSA signature where the key is HMAC', { signer: signRsa }],
  ])('%s is refused with -1022', async (_, opts) => {
    const res = await signedGet(PATHS.usdm, opts);
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
  });

  it('the HMAC signature is not case sensitive', async () => {
    const res = await signedGet(PATHS.usdm, { signer: (p) => hmac(MAIN_SECRET)(p).toUpperCase() });
    expect(res.status).toBe(200);
  });

  it('checks in the exchange order: key, then timestamp, then signature', async () => {
    const badAll = await signedGet(PATHS.usdm, { apiKey: 'someoneElse', timestamp: 1, signature: 'x' });
    expect((badAll.json() as { code: number }).code).toBe(-2015);
    const badTimeAndSig = await signedGet(PATHS.usdm, { timestamp: 1, signature: 'x' });
    expect((badTimeAndSig.json() as { code: number }).code).toBe(-1021);
  });

  it('Ed25519 and RSA signatures are accepted, base64 and URL-encoded', async () => {
    const edRes = await signedGet(PATHS.usdm, { apiKey: 'edKey0003', signer: signEd25519 });
    expect(edRes.status).toBe(200);
    expect((edRes.json() as Row[])[0]?.symbol).toBe('BTCUSDT');
    const rsaRes = await signedGet(PATHS.usdm, { apiKey: 'rsaKey0004', signer: signRsa });
    expect(rsaRes.status).toBe(200);
    const swapped = await signedGet(PATHS.usdm, { apiKey: 'edKey0003', signer: signRsa });
    expect((swapped.json() as { code: number }).code).toBe(-1022);
  });

  it('an unknown path is a 404 with the exchange body', async () => {
    const res = await get('/fapi/v1/nothingHere');
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ code: -5000, msg: 'Path /fapi/v1/nothingHere, Method GET is invalid' });
  });
});

describe('time', () => {
  it('/fapi/v1/time and /dapi/v1/time tell the skewed server time', async () => {
    sim.setClockSkew(120_000);
    for (const path of ['/fapi/v1/time', '/dapi/v1/time']) {
      const { serverTime } = (await get(path)).json() as { serverTime: number };
      expect(Math.abs(serverTime - (Date.now() + 120_000))).toBeLessThan(1_000);
    }
  });

  it('every reply has a Date header from the skewed clock; /papi/v1/ping answers {}', async () => {
    sim.setClockSkew(-3_600_000);
    const ping = await get('/papi/v1/ping');
    expect(ping.json()).toEqual({});
    const date = Date.parse(String(ping.headers.date));
    expect(Math.abs(date - (Date.now() - 3_600_000))).toBeLessThan(2_000);
    const refused = await get(PATHS.usdm);
    expect(Math.abs(Date.parse(String(refused.headers.date)) - (Date.now() - 3_600_000))).toBeLessThan(2_000);
  });
});

describe('request weight', () => {
  let small: ExchangeSimulator;

  beforeAll(async () => {
    small = await startExchangeSimulator({ accounts: accounts(), weightLimitPerMinute: 12 });
  });
  afterAll(async () => {
    await small.close();
  });

  /**
   * Moves the server's clock to just past the start of its next minute: a fresh weight window that a
   * test's requests share.
   */
  function freshMinute(on: ExchangeSimulator): void {
    const now = Date.now();
    on.setClockSkew((Math.floor(on.now() / 60_000) + 1) * 60_000 + 200 - now);
  }

  it('X-MBX-USED-WEIGHT-1M grows by each endpoint weight, per host family; past the limit a 429', async () => {
    freshMinute(small);
    const weights: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await signedGet(PATHS.usdm, { on: small });
      expect(res.status).toBe(200);
      weights.push(String(res.headers['x-mbx-used-weight-1m']));
    }
    expect(weights).toEqual(['5', '10']);
    // COIN-M counts apart, weight 1; time counts 1 on its own host.
    const coin = await signedGet(PATHS.coinm, { on: small });
    expect(coin.headers['x-mbx-used-weight-1m']).toBe('1');
    expect((await get('/fapi/v1/time', { on: small })).headers['x-mbx-used-weight-1m']).toBe('11');
    // Over the limit of 12:
    const over = await signedGet(PATHS.usdm, { on: small });
    expect(over.status).toBe(429);
    expect(over.headers['x-mbx-used-weight-1m']).toBe('16');
    const retryAfter = Number(over.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(over.json()).toEqual({
      code: -1003,
      msg: expect.stringMatching(/^Too many requests; current limit is 12 request weight per 1 MINUTE\./),
    });
    // Papi is untouched.
    expect((await get('/papi/v1/ping', { on: small })).status).toBe(200);
  });

  it('the WebSocket API shares the USDⓈ-M weight and reports it in rateLimits', async () => {
    freshMinute(small);
    const rest = await signedGet(PATHS.usdm, { on: small });
    expect(rest.headers['x-mbx-used-weight-1m']).toBe('5');
    const ws = await openWs(small);
    try {
      const reply = await wsCall(ws, positionFrame(small, 'a1'));
      expect(reply.rateLimits).toEqual([
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 12, count: 10 },
      ]);
      const over = await wsCall(ws, positionFrame(small, 'a2'));
      expect(over.status).toBe(429);
      expect(over.error).toMatchObject({ code: -1003, data: { retryAfter: expect.any(Number) } });
    } finally {
      ws.close();
    }
  });
});

describe('faults', () => {
  it('status5xx: 503 with a -1001 body, or the status asked for', async () => {
    sim.injectFault({ source: 'usdm' }, { kind: 'status5xx' });
    const res = await signedGet(PATHS.usdm);
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({
      code: -1001,
      msg: 'Internal error; unable to process your request. Please try again.',
    });
    sim.injectFault({ source: 'coinm' }, { kind: 'status5xx', status: 502 });
    expect((await signedGet(PATHS.coinm)).status).toBe(502);
    // Used once, then gone.
    expect((await signedGet(PATHS.usdm)).status).toBe(200);
  });

  it('rateLimit429: Retry-After and a -1003 body', async () => {
    sim.injectFault({ source: 'pm-um' }, { kind: 'rateLimit429', retryAfterSec: 7 });
    const res = await signedGet(PATHS['pm-um']);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect((res.json() as { code: number }).code).toBe(-1003);
  });

  it('ban418: Retry-After and "banned until <ms>"', async () => {
    sim.injectFault({ source: 'pm-cm' }, { kind: 'ban418', retryAfterSec: 120 });
    const res = await signedGet(PATHS['pm-cm']);
    expect(res.status).toBe(418);
    expect(res.headers['retry-after']).toBe('120');
    const { code, msg } = res.json() as { code: number; msg: string };
    expect(code).toBe(-1003);
    const until = Number(msg.match(/banned until (\d{13})/)?.[1]);
    expect(Math.abs(until - (sim.now() + 120_000))).toBeLessThan(2_000);
  });

  it('malformed: a 200 of the wrong shape, or not JSON at all', async () => {
    sim.injectFault({ source: 'usdm' }, { kind: 'malformed' });
    const shape = await signedGet(PATHS.usdm);
    expect(shape.status).toBe(200);
    expect(Array.isArray(shape.json())).toBe(false);
    sim.injectFault({ source: 'usdm' }, { kind: 'malformed', body: 'invalid-json' });
    const broken = await signedGet(PATHS.usdm);
    expect(broken.status).toBe(200);
    expect(() => broken.json()).toThrow(SyntaxError);
    sim.injectFault({ source: 'time' }, { kind: 'malformed' });
    const time = (await get('/dapi/v1/time')).json() as { serverTime: unknown };
    expect(typeof time.serverTime).not.toBe('number');
  });

  it('malformed ping: no Date header to read the clock from', async () => {
    sim.injectFault({ source: 'time' }, { kind: 'malformed' });
    const res = await get('/papi/v1/ping');
    expect(res.headers.date).toBeUndefined();
    expect((await get('/papi/v1/ping')).headers.date).toBeDefined();
  });

  it('hang: no answer; the next request is served', async () => {
    sim.injectFault({ source: 'usdm', account: 'main' }, { kind: 'hang' });
    await expect(signedGet(PATHS.usdm, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect(sim.requests.at(-1)).toMatchObject({ path: PATHS.usdm, status: 0, fault: 'hang' });
    expect((await signedGet(PATHS.usdm)).status).toBe(200);
  });

  it('keyRevoked: 401 with the -2015 body', async () => {
    sim.injectFault({ source: 'usdm', account: 'main' }, { kind: 'keyRevoked' });
    const res = await signedGet(PATHS.usdm);
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: -2015 });
    expect(sim.requests.at(-1)).toMatchObject({ status: 401, code: -2015, fault: 'keyRevoked' });
  });

  it('largeBody: a 200 of valid JSON rows of about that size, sent whole to a reader that reads it', async () => {
    sim.injectFault({ source: 'usdm', account: 'main' }, { kind: 'largeBody', bytes: 300_000 });
    const res = await signedGet(PATHS.usdm);
    expect(res.status).toBe(200);
    expect(res.text.length).toBeGreaterThanOrEqual(300_000);
    expect(res.text.length).toBeLessThan(302_000);
    const rows = res.json() as Row[];
    expect(rows.length).toBeGreaterThan(100);
    expect(new Set(rows.map((r) => r.symbol))).toEqual(new Set(['BTCUSDT', 'ETHUSDT']));
    await waitFor(() => sim.requests.at(-1)?.body !== undefined);
    expect(sim.requests.at(-1)).toMatchObject({ fault: 'largeBody', body: { bytes: res.text.length, complete: true } });
  });

  it('largeBody: stops sending when the reader goes away', async () => {
    const bytes = 256 * 1024 * 1024;
    sim.injectFault({ source: 'usdm', account: 'main' }, { kind: 'largeBody', bytes });
    const res = await request(`${sim.url}${PATHS.usdm}`, {
      dispatcher: agent,
      headers: { 'X-MBX-APIKEY': 'mainKey0001' },
    });
    let read = 0;
    for await (const chunk of res.body) {
      read += (chunk as Buffer).length;
      if (read > 1024 * 1024) break; // leaving the loop destroys the body and its socket
    }
    await waitFor(() => sim.requests.at(-1)?.body !== undefined);
    const sent = sim.requests.at(-1)?.body;
    expect(sent?.complete).toBe(false);
    expect(sent?.bytes).toBeLessThan(bytes / 8);
  });

  it('largeBody: bytes must be a positive whole number', () => {
    expect(() => sim.injectFault({ source: 'usdm' }, { kind: 'largeBody', bytes: 0 })).toThrow(/positive whole number/);
  });

  it('delay: extra latency on top of the base latency', async () => {
    sim.setLatency(40);
    sim.injectFault({ source: 'coinm' }, { kind: 'delay', ms: 120 });
    const started = performance.now();
    const res = await signedGet(PATHS.coinm);
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(155);
    const plain = performance.now();
    await signedGet(PATHS.coinm);
    const took = performance.now() - plain;
    expect(took).toBeGreaterThanOrEqual(35);
    expect(took).toBeLessThan(155);
  });

  it('times: applies that many times; Infinity until cleared', async () => {
    sim.injectFault({ source: 'usdm', times: 2 }, { kind: 'status5xx' });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await signedGet(PATHS.usdm)).status);
    expect(statuses).toEqual([503, 503, 200]);
    sim.injectFault({ source: 'coinm', times: Number.POSITIVE_INFINITY }, { kind: 'status5xx' });
    for (let i = 0; i < 4; i++) expect((await signedGet(PATHS.coinm)).status).toBe(503);
    sim.clearFaults();
    expect((await signedGet(PATHS.coinm)).status).toBe(200);
  });

  it('targets: only the named source and account are hit', async () => {
    sim.injectFault({ source: 'usdm', account: 'hedge' }, { kind: 'status5xx' });
    expect((await signedGet(PATHS.usdm)).status).toBe(200);
    expect((await signedGet(PATHS.coinm, { apiKey: 'hedgeKey0002', signer: hmac(HEDGE_SECRET) })).status).toBe(200);
    expect((await signedGet(PATHS.usdm, { apiKey: 'hedgeKey0002', signer: hmac(HEDGE_SECRET) })).status).toBe(503);
    sim.injectFault({ source: 'time' }, { kind: 'status5xx' });
    expect((await signedGet(PATHS.usdm)).status).toBe(200);
    expect((await get('/fapi/v1/time')).status).toBe(503);
  });
});

/* The WebSocket API, driven with undici's WebSocket client. */

interface WsReply {
  id: unknown;
  status: number;
  result?: unknown;
  error?: { code: number; msg: string; data?: Record<string, unknown> };
  rateLimits?: unknown[];
}

async function openWs(on: ExchangeSimulator = sim): Promise<WebSocket> {
  const ws = new WebSocket(on.wsUrl);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error('no WebSocket connection')), { once: true });
  });
  return ws;
}

function wsSend(ws: WebSocket, frame: unknown, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.removeEventListener('message', onMessage);
      reject(new Error('no reply'));
    }, timeoutMs);
    const onMessage = (event: { data: unknown }) => {
      clearTimeout(timer);
      ws.removeEventListener('message', onMessage);
      resolve(String(event.data));
    };
    ws.addEventListener('message', onMessage);
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

async function wsCall(ws: WebSocket, frame: unknown): Promise<WsReply> {
  return JSON.parse(await wsSend(ws, frame)) as WsReply;
}

/** An `account.position` request as seed 001 shows it, signed over the params sorted by name. */
function positionFrame(
  on: ExchangeSimulator,
  id: string,
  opts: { apiKey?: string; signer?: SignFn; symbol?: string; timestamp?: number } = {},
) {
  const params: Record<string, string | number> = {
    apiKey: opts.apiKey ?? 'mainKey0001',
    timestamp: opts.timestamp ?? on.now(),
    ...(opts.symbol ? { symbol: opts.symbol } : {}),
  };
  const payload = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return {
    id,
    method: 'account.position',
    params: { ...params, signature: (opts.signer ?? hmac(MAIN_SECRET))(payload) },
  };
}

describe('WebSocket API account.position', () => {
  let ws: WebSocket;

  beforeAll(async () => {
    ws = await openWs();
  });
  afterAll(() => {
    ws.close();
  });

  it('answers {id, status 200, result: rows, rateLimits}', async () => {
    const reply = await wsCall(ws, positionFrame(sim, 'w1'));
    expect(reply).toMatchObject({ id: 'w1', status: 200 });
    const rows = reply.result as Row[];
    expect(rows.map((r) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(Object.keys(rows[0]!).sort()).toEqual(Object.keys(seed.usdmHedge[0]!).sort());
    expect(reply.rateLimits?.[0]).toMatchObject({ rateLimitType: 'REQUEST_WEIGHT', limit: 2400 });
  });

  it('filters by symbol', async () => {
    const reply = await wsCall(ws, positionFrame(sim, 'w2', { symbol: 'ETHUSDT' }));
    expect((reply.result as Row[]).map((r) => r.symbol)).toEqual(['ETHUSDT']);
  });

  it('accepts Ed25519 signatures', async () => {
    const reply = await wsCall(ws, positionFrame(sim, 'w3', { apiKey: 'edKey0003', signer: signEd25519 }));
    expect(reply.status).toBe(200);
  });

  it.each([
    ['a wrong secret', { signer: hmac('nope') }, 400, -1022],
    ['an unknown key', { apiKey: 'someoneElse' }, 401, -2015],
    ['an old timestamp', { timestamp: Date.now() - 60_000 }, 400, -1021],
  ])('refuses %s with the REST code', async (_, opts, status, code) => {
    const reply = await wsCall(ws, positionFrame(sim, 'w4', opts));
    expect(reply).toMatchObject({ id: 'w4', status, error: { code } });
    expect(reply.rateLimits).toHaveLength(1);
  });

  it('an unknown method and an unreadable frame get 400 errors', async () => {
    const unknown = await wsCall(ws, { id: 'w5', method: 'account.nothing', params: {} });
    expect(unknown).toMatchObject({ id: 'w5', status: 400, error: { code: -1100 } });
    const garbage = await wsCall(ws, 'this is not json');
    expect(garbage).toMatchObject({ id: null, status: 400 });
  });

  it.each([
    [{ kind: 'status5xx' } as const, 503, -1001],
    [{ kind: 'rateLimit429', retryAfterSec: 30 } as const, 429, -1003],
    [{ kind: 'ban418', retryAfterSec: 300 } as const, 418, -1003],
  ])('fault %o gives an error frame', async (fault, status, code) => {
    sim.injectFault({ source: 'usdm-ws' }, fault);
    const reply = await wsCall(ws, positionFrame(sim, 'f1'));
    expect(reply).toMatchObject({ id: 'f1', status, error: { code } });
    if ('retryAfterSec' in fault) {
      const retryAfter = Number(reply.error?.data?.retryAfter);
      expect(Math.abs(retryAfter - (sim.now() + fault.retryAfterSec * 1000))).toBeLessThan(2_000);
    }
  });

  it('fault malformed: a result that is not the array of rows, or a frame that is not JSON', async () => {
    sim.injectFault({ source: 'usdm-ws' }, { kind: 'malformed' });
    const reply = await wsCall(ws, positionFrame(sim, 'f2'));
    expect(reply.status).toBe(200);
    expect(Array.isArray(reply.result)).toBe(false);
    sim.injectFault({ source: 'usdm-ws' }, { kind: 'malformed', body: 'invalid-json' });
    const text = await wsSend(ws, positionFrame(sim, 'f3'));
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('fault hang: no reply; the connection still serves the next request', async () => {
    sim.injectFault({ source: 'usdm-ws' }, { kind: 'hang' });
    await expect(wsSend(ws, positionFrame(sim, 'f4'), 150)).rejects.toThrow('no reply');
    expect((await wsCall(ws, positionFrame(sim, 'f5'))).id).toBe('f5');
  });

  it('fault keyRevoked: a -2015 error with "id": null', async () => {
    sim.injectFault({ source: 'usdm-ws' }, { kind: 'keyRevoked' });
    const reply = await wsCall(ws, positionFrame(sim, 'k1'));
    expect(reply).toMatchObject({ id: null, status: 401, error: { code: -2015 } });
    expect((await wsCall(ws, positionFrame(sim, 'k2'))).id).toBe('k2');
  });

  it('fault largeBody: one message of rows, in fragments, stopped when the client goes away', async () => {
    sim.injectFault({ source: 'usdm-ws' }, { kind: 'largeBody', bytes: 300_000 });
    const reply = await wsCall(ws, positionFrame(sim, 'b1'));
    expect(reply).toMatchObject({ id: 'b1', status: 200 });
    expect((reply.result as Row[]).length).toBeGreaterThan(100);
    await waitFor(() => sim.requests.at(-1)?.body !== undefined);
    expect(sim.requests.at(-1)?.body?.complete).toBe(true);

    // A client that refuses messages over 1 MiB closes the connection part way through.
    const bytes = 256 * 1024 * 1024;
    const capped = new Agent({ webSocket: { maxPayloadSize: 1024 * 1024 } });
    const own = new WebSocket(sim.wsUrl, { dispatcher: capped });
    await new Promise((resolve) => own.addEventListener('open', resolve, { once: true }));
    const closed = new Promise((resolve) => own.addEventListener('close', resolve, { once: true }));
    sim.injectFault({ source: 'usdm-ws' }, { kind: 'largeBody', bytes });
    own.send(JSON.stringify(positionFrame(sim, 'b2')));
    await closed;
    await capped.close();
    await waitFor(() => sim.requests.at(-1)?.body !== undefined);
    expect(sim.requests.at(-1)?.body?.complete).toBe(false);
    expect(sim.requests.at(-1)?.body?.bytes).toBeLessThan(bytes / 8);
  });

  it('latency delays the reply', async () => {
    sim.setLatency(100);
    const started = performance.now();
    await wsCall(ws, positionFrame(sim, 'l1'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });
});

describe('the request log and sockets', () => {
  it('logs every request and frame without any secret or signature', async () => {
    await signedGet(PATHS.usdm);
    await signedGet(PATHS.usdm, { signer: hmac('wrong') });
    const entries = sim.requests.filter((r) => r.path === PATHS.usdm);
    expect(entries.at(-1)).toMatchObject({
      transport: 'rest',
      source: 'usdm',
      account: 'main',
      apiKey: 'mainKey0001',
      status: 400,
      code: -1022,
    });
    expect(sim.requests.some((r) => r.transport === 'ws' && r.method === 'account.position')).toBe(true);
    const logged = JSON.stringify(sim.requests);
    for (const secret of [MAIN_SECRET, HEDGE_SECRET, 'signature', pem(ed.privateKey, 'pkcs8')]) {
      expect(logged).not.toContain(secret);
    }
  });

  it('counts open connections and closes hanging ones', async () => {
    // Prepare
    const own = await startExchangeSimulator({ accounts: accounts() });
    const client = new Agent({ keepAliveTimeout: 5_000 });
    // Act
    const res = await request(`${own.url}/fapi/v1/ping`, { dispatcher: client });
    await res.body.text();
    const ws = await openWs(own);
    // Assess
    expect(own.openSockets()).toBe(2);
    ws.close();
    await client.close();
    await waitFor(() => own.openSockets() === 0);
    own.injectFault({ source: 'time' }, { kind: 'hang' });
    const hanging = request(`${own.url}/fapi/v1/time`, { dispatcher: agent }).then(
      () => 'answered',
      (error: unknown) => error,
    );
    await waitFor(() => own.requests.length === 2);
    await own.close();
    expect(await hanging).toBeInstanceOf(Error);
    expect(own.openSockets()).toBe(0);
  });
});

const FORCE_ORDER_PATHS = {
  usdm: '/fapi/v1/forceOrders',
  coinm: '/dapi/v1/forceOrders',
  'pm-um': '/papi/v1/um/forceOrders',
  'pm-cm': '/papi/v1/cm/forceOrders',
} as const;

/*
 * Force orders: `liquidate` closes a leg as the exchange does and records its force order, which the
 * four force-order pages serve as documented (test/binance/force-order-examples.ts).
 */
describe('force orders', () => {
  let t = 1_800_000_000_000;
  let own: ExchangeSimulator;
  beforeEach(async () => {
    t = 1_800_000_000_000;
    own = await startExchangeSimulator({ accounts: accounts(), now: () => t });
  });
  afterEach(() => own.close());

  const ordersOf = async (path: string, params: Record<string, string> = {}, apiKey?: string) => {
    const signer = apiKey === 'hedgeKey0002' ? hmac(HEDGE_SECRET) : undefined;
    return signedGet(path, { on: own, params, ...(apiKey ? { apiKey } : {}), ...(signer ? { signer } : {}) });
  };

  it.each([
    ['usdm', 'BTCUSDT', forceExamples.usdmForceOrders[0]!],
    ['coinm', 'BTCUSD_PERP', forceExamples.coinmForceOrders[0]!],
    ['pm-um', 'BTCUSDT', forceExamples.pmUmForceOrders[0]!],
    ['pm-cm', 'BTCUSD_PERP', forceExamples.pmCmForceOrders[0]!],
  ] as const)('%s: the row has the page example’s fields, in its order', async (source, symbol, example) => {
    const row = own.liquidate('main', source, symbol);
    const res = await ordersOf(FORCE_ORDER_PATHS[source]);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual([row]);
    expect(Object.keys(row)).toEqual(Object.keys(example));
    for (const [name, value] of Object.entries(example)) expect(typeof row[name], name).toBe(typeof value);
    expect(row).toMatchObject({ status: 'FILLED', side: 'SELL', positionSide: 'BOTH', time: t, type: 'LIMIT' });
    expect(String(row.clientOrderId)).toMatch(/^autoclose-1800000000000\d{6}$/);
  });

  it('a liquidation is filled at the liquidation price by default; the position pages then show the leg flat', async () => {
    const row = own.liquidate('main', 'usdm', 'BTCUSDT');
    expect(row).toMatchObject({ avgPrice: '50000', executedQty: '0.5', origQty: '0.5', cumQuote: '25000' });
    // The order's own price is its limit, a little worse than the fill, as in the page's example.
    expect(Number(row.price)).toBeLessThan(50_000);
    const rows = (await signedGet(PATHS.usdm, { on: own })).json() as Row[];
    expect(rows.find((r) => r.symbol === 'BTCUSDT')).toMatchObject({
      positionAmt: '0',
      entryPrice: '0',
      liquidationPrice: '0',
      markPrice: '50000.00000000',
      updateTime: t,
    });
    // One USDⓈ-M book: the WebSocket API sees it closed too.
    const ws = await openWs(own);
    try {
      const reply = await wsCall(ws, positionFrame(own, 'fo1'));
      expect((reply.result as Row[]).find((r) => r.symbol === 'BTCUSDT')?.positionAmt).toBe('0');
    } finally {
      ws.close();
    }
  });

  it('an ADL of a short: "adl_autoclose", a buy, GTC; COIN-M in contracts with cumBase in the coin', async () => {
    const row = own.liquidate('main', 'coinm', 'ETHUSD_PERP', { price: 3_900, type: 'ADL' });
    expect(row).toMatchObject({
      clientOrderId: 'adl_autoclose',
      side: 'BUY',
      timeInForce: 'GTC',
      avgPrice: '3900',
      executedQty: '10',
      pair: 'ETHUSD',
      cumBase: String(Math.round(((10 * 10) / 3_900) * 1e8) / 1e8),
    });
    expect(Number(row.price)).toBeGreaterThan(3_900);
  });

  it('hedge mode: the leg is named by side; Portfolio Margin then no longer lists it', async () => {
    const row = own.liquidate('hedge', 'pm-um', 'ETHUSDT', { positionSide: 'SHORT' });
    expect(row).toMatchObject({ positionSide: 'SHORT', side: 'BUY' });
    const rows = (
      await signedGet(PATHS['pm-um'], { on: own, apiKey: 'hedgeKey0002', signer: hmac(HEDGE_SECRET) })
    ).json();
    expect((rows as Row[]).map((r) => `${r.symbol} ${r.positionSide}`)).toEqual(['BTCUSDT LONG']);
    const orders = (await ordersOf(FORCE_ORDER_PATHS['pm-um'], {}, 'hedgeKey0002')).json() as Row[];
    expect(orders.map((r) => r.symbol)).toEqual(['ETHUSDT']);
    // The main account's book is its own.
    expect((await ordersOf(FORCE_ORDER_PATHS['pm-um'])).json()).toEqual([]);
  });

  it('liquidate refuses a leg that is not open, or two legs it cannot tell apart', () => {
    expect(() => own.liquidate('main', 'usdm', 'SOLUSDT')).toThrow('main holds no open SOLUSDT leg on usdm');
    expect(() => own.liquidate('hedge', 'usdm', 'BTCUSDT', { positionSide: 'SHORT' })).toThrow(/no open BTCUSDT SHORT/);
    own.setPositions('hedge', 'coinm', [
      { symbol: 'BTCUSD_PERP', positionSide: 'LONG', positionAmt: 1, entryPrice: 60_000, markPrice: 61_000 },
      { symbol: 'BTCUSD_PERP', positionSide: 'SHORT', positionAmt: -1, entryPrice: 60_000, markPrice: 61_000 },
    ]);
    expect(() => own.liquidate('hedge', 'coinm', 'BTCUSD_PERP')).toThrow(/two open BTCUSD_PERP legs .* positionSide/);
    expect(() => own.liquidate('nobody', 'coinm', 'BTCUSD_PERP')).toThrow(/no account named nobody/);
    expect(() => own.liquidate('main', 'usdm', 'BTCUSDT', { price: 0 })).toThrow(/must be above 0, got 0/);
  });

  describe('parameters, as the pages document them', () => {
    beforeEach(() => {
      own.liquidate('main', 'usdm', 'BTCUSDT');
      t += 3_600_000;
      own.liquidate('main', 'usdm', 'ETHUSDT', { type: 'ADL' });
    });
    const symbols = (res: Answer) => (res.json() as Row[]).map((r) => r.symbol);

    it('symbol, autoCloseType, startTime and endTime select; both kinds without autoCloseType', async () => {
      const path = FORCE_ORDER_PATHS.usdm;
      expect(symbols(await ordersOf(path))).toEqual(['BTCUSDT', 'ETHUSDT']);
      expect(symbols(await ordersOf(path, { symbol: 'ETHUSDT' }))).toEqual(['ETHUSDT']);
      expect(symbols(await ordersOf(path, { autoCloseType: 'LIQUIDATION' }))).toEqual(['BTCUSDT']);
      expect(symbols(await ordersOf(path, { autoCloseType: 'ADL' }))).toEqual(['ETHUSDT']);
      expect(symbols(await ordersOf(path, { startTime: String(t) }))).toEqual(['ETHUSDT']);
      expect(symbols(await ordersOf(path, { endTime: String(t - 1) }))).toEqual(['BTCUSDT']);
      expect(symbols(await ordersOf(path, { limit: '1' }))).toEqual(['BTCUSDT']);
    });

    it('without startTime: the 7 days before endTime (COIN-M: 200 days)', async () => {
      own.liquidate('main', 'coinm', 'BTCUSD_PERP');
      t += 8 * 86_400_000;
      expect(symbols(await ordersOf(FORCE_ORDER_PATHS.usdm))).toEqual([]);
      expect(symbols(await ordersOf(FORCE_ORDER_PATHS.usdm, { startTime: '0' }))).toEqual(['BTCUSDT', 'ETHUSDT']);
      expect(symbols(await ordersOf(FORCE_ORDER_PATHS.coinm))).toEqual(['BTCUSD_PERP']);
    });

    it.each([
      [{ autoCloseType: 'MARGIN_CALL' }, -1130, /autoCloseType/],
      [{ limit: '101' }, -1130, /limit.*max 100/],
      [{ limit: '0' }, -1130, /limit/],
      [{ startTime: 'yesterday' }, -1100, /startTime/],
      [{ startTime: '1800000000001', endTime: '1800000000000' }, -1130, /startTime/],
      [{ symbol: 'NOPEUSDT' }, -1121, /Invalid symbol/],
    ])('%o is refused with %d', async (params, code, message) => {
      const res = await ordersOf(FORCE_ORDER_PATHS.usdm, params);
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ code, msg: expect.stringMatching(message) });
    });

    it('signed like every USER_DATA call: a bad signature is -1022, a stale timestamp -1021', async () => {
      const path = FORCE_ORDER_PATHS['pm-cm'];
      expect((await signedGet(path, { on: own, signer: hmac('wrong') })).json()).toMatchObject({ code: -1022 });
      expect((await signedGet(path, { on: own, timestamp: t - 10_000 })).json()).toMatchObject({ code: -1021 });
      expect((await signedGet(path, { on: own, apiKey: 'nobody01' })).json()).toMatchObject({ code: -2015 });
    });
  });

  it('weight: 20 with a symbol, 50 without, on the host family of the page', async () => {
    const used = (res: Answer) => Number(res.headers['x-mbx-used-weight-1m']);
    expect(used(await ordersOf(FORCE_ORDER_PATHS.usdm))).toBe(50);
    expect(used(await ordersOf(FORCE_ORDER_PATHS.usdm, { symbol: 'BTCUSDT' }))).toBe(70);
    expect(used(await ordersOf(FORCE_ORDER_PATHS['pm-cm'], { symbol: 'BTCUSD_PERP' }))).toBe(20);
    expect(used(await ordersOf(FORCE_ORDER_PATHS['pm-um']))).toBe(70);
  });

  it('a fault aimed at the page fails it while the positions still answer; the log names the book', async () => {
    own.injectFault({ source: 'usdm', path: FORCE_ORDER_PATHS.usdm, times: 2 }, { kind: 'keyRevoked' });
    expect((await ordersOf(FORCE_ORDER_PATHS.usdm)).json()).toMatchObject({ code: -2015 });
    expect((await signedGet(PATHS.usdm, { on: own })).status).toBe(200);
    expect((await ordersOf(FORCE_ORDER_PATHS.usdm)).status).toBe(401);
    expect((await ordersOf(FORCE_ORDER_PATHS.usdm)).status).toBe(200);
    expect(own.requests.filter((r) => r.path === FORCE_ORDER_PATHS.usdm).map((r) => [r.source, r.status])).toEqual([
      ['usdm', 401],
      ['usdm', 401],
      ['usdm', 200],
    ]);
  });
});

describe('manyPositions', () => {
  it.each(['usdm', 'coinm'] as const)('%s: distinct symbols, open legs, liquidation on the losing side', (source) => {
    const legs = manyPositions(300, source);
    expect(new Set(legs.map((p) => p.symbol)).size).toBe(300);
    for (const p of legs) {
      expect(p.positionAmt).not.toBe(0);
      const liq = p.liquidationPrice ?? 0;
      expect(p.positionAmt > 0 ? liq < p.markPrice : liq > p.markPrice).toBe(true);
      expect(renderRow(source, p).symbol).toBe(p.symbol);
    }
    expect(legs[0]?.symbol).toBe(source === 'coinm' ? 'BTCUSD_PERP' : 'BTCUSDT');
  });

  it('serves thousands of rows quickly', async () => {
    sim.setPositions('main', 'pm-um', manyPositions(2_000, 'pm-um'));
    const res = await signedGet(PATHS['pm-um']);
    expect((res.json() as Row[]).length).toBe(2_000);
    sim.setPositions('main', 'pm-um', [btcLong]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
