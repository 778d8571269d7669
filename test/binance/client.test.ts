import { createPrivateKey } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BinanceClient, type PositionRequest } from '#binance/client.js';
import { IpBannedError, RateLimitError } from '#binance/errors.js';
import { Signer } from '#binance/sign.js';
import { runCli } from '#builders/cli.js';
import type { Position, SourceId } from '#core/position.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import {
  ALL_SOURCES,
  account,
  asymmetricKeys,
  book,
  CM_HEDGE,
  CM_ONE_WAY,
  COIN_SOURCES,
  eventually,
  FAST,
  failureOf,
  hmacKeys,
  isCoinSource,
  leg,
  logOf,
  requestFor,
  signerOf,
  UM_HEDGE,
  UM_ONE_WAY,
  UM_SOURCES,
  withClient,
} from './scenario.js';

const oneWay = hmacKeys('oneway');
const hedge = hmacKeys('hedge');

describe('reading every source', () => {
  let sim: ExchangeSimulator;
  beforeAll(async () => {
    sim = await startExchangeSimulator({
      accounts: [
        account('oneway', oneWay, { positions: book(UM_ONE_WAY, CM_ONE_WAY) }),
        account('hedge', hedge, { hedgeMode: true, positions: book(UM_HEDGE, CM_HEDGE) }),
      ],
    });
  });
  afterAll(() => sim.close());

  const expectedLegs: Record<'oneway' | 'hedge', Record<SourceId, string[]>> = {
    oneway: {
      usdm: ['BTCUSDT BOTH 0.5', 'ETHUSDT BOTH -2', 'SOLUSDT BOTH 10'],
      'usdm-ws': ['BTCUSDT BOTH 0.5', 'ETHUSDT BOTH -2', 'SOLUSDT BOTH 10'],
      'pm-um': ['BTCUSDT BOTH 0.5', 'ETHUSDT BOTH -2', 'SOLUSDT BOTH 10'],
      coinm: ['BTCUSD_250627 BOTH 1', 'BTCUSD_PERP BOTH 3', 'ETHUSD_PERP BOTH -10'],
      'pm-cm': ['BTCUSD_250627 BOTH 1', 'BTCUSD_PERP BOTH 3', 'ETHUSD_PERP BOTH -10'],
    },
    hedge: {
      // USDⓈ-M lists both legs of a symbol, flat or not (seed 000).
      usdm: ['BTCUSDT LONG 0.5', 'BTCUSDT SHORT -0.2', 'ETHUSDT LONG 0', 'ETHUSDT SHORT -2'],
      'usdm-ws': ['BTCUSDT LONG 0.5', 'BTCUSDT SHORT -0.2', 'ETHUSDT LONG 0', 'ETHUSDT SHORT -2'],
      // Portfolio Margin lists only legs that hold a position (seeds 002, 004).
      'pm-um': ['BTCUSDT LONG 0.5', 'BTCUSDT SHORT -0.2', 'ETHUSDT SHORT -2'],
      // COIN-M shows BOTH, LONG and SHORT (seed 003).
      coinm: [
        'BTCUSD_PERP BOTH 0',
        'BTCUSD_PERP LONG 3',
        'BTCUSD_PERP SHORT -1',
        'ETHUSD_PERP BOTH 0',
        'ETHUSD_PERP LONG 0',
        'ETHUSD_PERP SHORT -10',
      ],
      'pm-cm': ['BTCUSD_PERP LONG 3', 'BTCUSD_PERP SHORT -1', 'ETHUSD_PERP SHORT -10'],
    },
  };

  /** Fields a source does not have are null, never invented (design: "Normalised position"). */
  const fieldsOf: Record<SourceId, Partial<Record<keyof Position, 'number' | 'null' | 'cross'>>> = {
    usdm: {
      marginType: 'cross',
      breakEvenPrice: 'number',
      notional: 'number',
      maxNotionalValue: 'number',
      maxQty: 'null',
    },
    'usdm-ws': {
      marginType: 'cross',
      breakEvenPrice: 'number',
      notional: 'number',
      maxNotionalValue: 'number',
      maxQty: 'null',
    },
    'pm-um': {
      marginType: 'null',
      isolatedMargin: 'null',
      breakEvenPrice: 'null',
      notional: 'number',
      maxNotionalValue: 'number',
      maxQty: 'null',
    },
    coinm: {
      marginType: 'cross',
      breakEvenPrice: 'number',
      notional: 'null',
      maxNotionalValue: 'null',
      maxQty: 'number',
    },
    'pm-cm': {
      marginType: 'null',
      isolatedMargin: 'null',
      breakEvenPrice: 'null',
      notional: 'number',
      maxNotionalValue: 'null',
      maxQty: 'number',
    },
  };

  it.each(ALL_SOURCES.flatMap((source) => (['oneway', 'hedge'] as const).map((mode) => [source, mode] as const)))(
    '%s in %s mode: every leg, normalised to the position contract',
    async (source, mode) => {
      // Prepare
      const keys = mode === 'oneway' ? oneWay : hedge;

      // Act
      const positions = await withClient(FAST, (client) =>
        client.fetchPositions(requestFor(sim, mode, source, signerOf(keys, mode))),
      );

      // Assess
      expect(positions.map(leg).sort()).toEqual(expectedLegs[mode][source]);
      for (const p of positions) {
        expect(p).toMatchObject({ account: mode, source });
        for (const name of [
          'positionAmt',
          'entryPrice',
          'markPrice',
          'leverage',
          'unrealizedProfit',
          'updateTime',
        ] as const) {
          expect(typeof p[name], name).toBe('number');
        }
        for (const [name, kind] of Object.entries(fieldsOf[source])) {
          const value = p[name as keyof Position];
          if (kind === 'null') expect(value, name).toBeNull();
          else if (kind === 'cross') expect(value, name).toBe('cross');
          else expect(typeof value, name).toBe('number');
        }
        // A flat leg has no liquidation price: the exchange sends "0", the contract says null.
        if (p.positionAmt === 0) expect(p.liquidationPrice).toBeNull();
      }
      const btc = positions.find((p) => p.positionAmt === (isCoinSource(source) ? 3 : 0.5));
      expect(btc).toMatchObject(
        isCoinSource(source)
          ? { entryPrice: 60_000, markPrice: 61_000, liquidationPrice: 45_000 }
          : { entryPrice: 60_000, markPrice: 61_000, liquidationPrice: 48_800, leverage: 5, unrealizedProfit: 500 },
      );
      if (source === 'usdm' || source === 'usdm-ws' || source === 'pm-um') expect(btc?.notional).toBe(30_500);
    },
  );

  it.each(UM_SOURCES)('%s: an open leg with liquidationPrice "0" has liquidationPrice null', async (source) => {
    const positions = await withClient(FAST, (client) =>
      client.fetchPositions(requestFor(sim, 'oneway', source, signerOf(oneWay, 'oneway'))),
    );
    const sol = positions.find((p) => p.symbol === 'SOLUSDT');
    expect(sol).toMatchObject({ positionAmt: 10, liquidationPrice: null });
  });

  it.each(UM_SOURCES)('%s filters by symbol at the exchange', async (source) => {
    const from = sim.requests.length;
    const positions = await withClient(FAST, (client) =>
      client.fetchPositions(
        requestFor(sim, 'hedge', source, signerOf(hedge, 'hedge'), { filter: { symbol: 'ETHUSDT' } }),
      ),
    );
    expect(positions.map((p) => p.symbol)).not.toHaveLength(0);
    expect(new Set(positions.map((p) => p.symbol))).toEqual(new Set(['ETHUSDT']));
    expect(logOf(sim, source, from).every((r) => r.status === 200)).toBe(true);
  });

  it.each(
    COIN_SOURCES.flatMap((source) => [
      [source, { marginAsset: 'BTC' }, ['BTCUSD_250627 BOTH 1', 'BTCUSD_PERP BOTH 3']] as const,
      [source, { pair: 'ETHUSD' }, ['ETHUSD_PERP BOTH -10']] as const,
      // The COIN-M endpoints take no symbol: the client filters the answer itself.
      [source, { symbol: 'BTCUSD_PERP' }, ['BTCUSD_PERP BOTH 3']] as const,
    ]),
  )('%s filtered by %o', async (source, filter, expected) => {
    const positions = await withClient(FAST, (client) =>
      client.fetchPositions(requestFor(sim, 'oneway', source, signerOf(oneWay, 'oneway'), { filter })),
    );
    expect(positions.map(leg).sort()).toEqual(expected);
  });

  it.each(COIN_SOURCES)('%s refuses marginAsset and pair together before calling', async (source) => {
    const from = sim.requests.length;
    const error = await withClient(FAST, (client) =>
      failureOf(
        client.fetchPositions(
          requestFor(sim, 'oneway', source, signerOf(oneWay, 'oneway'), {
            filter: { marginAsset: 'BTC', pair: 'BTCUSD' },
          }),
        ),
      ),
    );
    expect(error.kind).toBe('request');
    expect(error.message).toMatch(/marginAsset or pair, not both/);
    expect(logOf(sim, source, from)).toHaveLength(0);
  });
});

describe('keys and refusals', () => {
  const ed = asymmetricKeys('ed', 'ed25519');
  const rsa = asymmetricKeys('rsa', 'rsa');
  const hmac = hmacKeys('hmac');
  let sim: ExchangeSimulator;
  beforeAll(async () => {
    sim = await startExchangeSimulator({
      accounts: [
        account('hmac', hmac, { positions: book(UM_ONE_WAY, CM_ONE_WAY) }),
        account('ed', ed, { positions: book(UM_ONE_WAY, CM_ONE_WAY) }),
        account('rsa', rsa, { positions: book(UM_ONE_WAY, CM_ONE_WAY) }),
      ],
    });
  });
  afterAll(() => sim.close());

  it.each([
    ['HMAC-SHA256', 'hmac', hmac],
    ['Ed25519', 'ed', ed],
    ['RSA', 'rsa', rsa],
  ] as const)('a %s key reads all five sources', async (_type, name, keys) => {
    const signer = signerOf(keys, name);
    const results = await withClient(FAST, (client) =>
      client.fetchAll(ALL_SOURCES.map((source) => requestFor(sim, name, source, signer))),
    );
    for (const r of results) {
      expect(r.ok, r.ok ? r.source : r.error.message).toBe(true);
      if (r.ok) expect(r.positions).toHaveLength(3);
    }
  });

  it.each(ALL_SOURCES)('%s: an unknown API key is -2015, a typed error naming everything', async (source) => {
    const signer = Signer.fromKeys({ apiKey: 'key-nobody-knows', apiSecret: hmac.keys.apiKey }, 'hmac');
    const error = await withClient(FAST, (client) =>
      failureOf(client.fetchPositions(requestFor(sim, 'hmac', source, signer))),
    );
    const endpoint = source === 'usdm-ws' ? 'ws account.position' : undefined;
    expect(error).toMatchObject({
      account: 'hmac',
      source,
      kind: 'exchange',
      httpStatus: 401,
      exchangeCode: -2015,
      exchangeMessage: expect.stringMatching(/^Invalid API-key, IP, or permissions for action/),
      keysRefused: true,
    });
    if (endpoint) expect(error.endpoint).toBe(endpoint);
    else expect(error.endpoint).toMatch(/^GET \/(fapi|dapi|papi)\/v\d\/(um\/|cm\/)?positionRisk$/);
    expect(error.message).toContain(`hmac ${source} ${error.endpoint}: HTTP 401 code -2015`);
    expect(error.message).toContain('Invalid API-key, IP, or permissions for action');
    expect(error.message).toMatch(/check the API key/);
  });

  it.each([
    ['HMAC', hmac, () => Signer.fromKeys({ apiKey: hmac.keys.apiKey, apiSecret: 'not-the-secret' }, 'hmac')],
    [
      'Ed25519',
      ed,
      () => Signer.fromKeys({ apiKey: ed.keys.apiKey, privateKey: asymmetricKeys('x', 'ed25519').secret }, 'ed'),
    ],
  ] as const)('%s: a wrong secret is -1022 on every source', async (_type, keys, wrongSigner) => {
    const name = keys === hmac ? 'hmac' : 'ed';
    const signer = wrongSigner();
    const results = await withClient(FAST, (client) =>
      client.fetchAll(ALL_SOURCES.map((source) => requestFor(sim, name, source, signer))),
    );
    for (const r of results) {
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error).toMatchObject({ account: name, source: r.source, httpStatus: 400, exchangeCode: -1022 });
      expect(r.error.keysRefused).toBe(true);
      expect(r.error.message).toContain('HTTP 400 code -1022');
      expect(r.error.message).toContain('Signature for this request is not valid.');
    }
  });
});

describe('the server clock', () => {
  const keys = hmacKeys('clock');
  const cases = [
    // Our clock 3 s ahead of the server's: more than the 1000 ms the exchange allows.
    ['usdm', -3_000, undefined],
    ['pm-um', -3_000, undefined],
    ['usdm-ws', -3_000, undefined],
    // Our clock 3 s behind, with a recvWindow of 2 s: the request looks too old.
    ['usdm', 3_000, 2_000],
    ['pm-cm', 3_000, 2_000],
    ['usdm-ws', 3_000, 2_000],
  ] as const;

  it.each(cases)('%s with a %d ms skew (recvWindow %s): -1021, resync, one retry', async (source, skew, recvWindow) => {
    // Prepare
    const sim = await startExchangeSimulator({
      accounts: [account('clock', keys, { positions: book(UM_ONE_WAY, CM_ONE_WAY) })],
      clockSkewMs: skew,
    });
    try {
      // Act
      const positions = await withClient({ ...FAST, recvWindow }, (client) =>
        client.fetchPositions(requestFor(sim, 'clock', source, signerOf(keys, 'clock'))),
      );

      // Assess
      expect(positions).toHaveLength(3);
      expect(logOf(sim, source).map((r) => r.code ?? r.status)).toEqual([-1021, 200]);
      // The time was learned from the host the source lives on (Portfolio Margin: the ping's Date header).
      const probe = source.startsWith('pm-') ? '/papi/v1/ping' : '/fapi/v1/time';
      expect(logOf(sim, 'time').map((r) => r.path)).toContain(probe);
    } finally {
      await sim.close();
    }
  });

  it('learns the offset once: later calls are signed right the first time', async () => {
    const sim = await startExchangeSimulator({
      accounts: [account('clock', keys, { positions: book(UM_ONE_WAY, CM_ONE_WAY) })],
      clockSkewMs: -3_000,
    });
    try {
      await withClient(FAST, async (client) => {
        const request = requestFor(sim, 'clock', 'usdm', signerOf(keys, 'clock'));
        await client.fetchPositions(request);
        const from = sim.requests.length;
        await client.fetchPositions(request);
        await client.fetchPositions(request);
        expect(sim.requests.slice(from).map((r) => r.code ?? r.status)).toEqual([200, 200]);
      });
    } finally {
      await sim.close();
    }
  });
});

describe('rate limits and bans', () => {
  const keys = hmacKeys('limited');

  // Each case waits out a real Retry-After of 1 s: they run side by side, each with its own simulator.
  it.concurrent.for([
    ['usdm', 'rateLimit429', RateLimitError, 429],
    ['usdm', 'ban418', IpBannedError, 418],
    ['usdm-ws', 'rateLimit429', RateLimitError, 429],
    ['usdm-ws', 'ban418', IpBannedError, 418],
  ] as const)(
    '%s %s: the host is not called again until Retry-After passes',
    async ([source, kind, Type, status], { expect }) => {
      // Prepare: a warm client, so that no clock probe is in flight; one clock that the test moves.
      let t = Date.now();
      const now = () => t;
      const sim = await startExchangeSimulator({
        accounts: [account('limited', keys, { positions: book(UM_ONE_WAY, []) })],
        now,
      });
      const client = new BinanceClient({ ...FAST, now });
      try {
        const request = requestFor(sim, 'limited', source, signerOf(keys, 'limited'));
        await client.fetchPositions(request);
        sim.injectFault({ source }, { kind, retryAfterSec: 1 });

        // Act 1: the host answers with the limit.
        const first = await failureOf(client.fetchPositions(request));
        const calls = sim.requests.length;

        // Assess 1
        expect(first).toBeInstanceOf(Type);
        expect(first).toMatchObject({ source, httpStatus: status, exchangeCode: -1003 });
        expect(first.message).toMatch(kind === 'ban418' ? /IP banned for 1 s/ : /rate limited for 1 s/);
        const retryAt = (first as RateLimitError).retryAt;
        expect(retryAt - t).toBe(1_000);

        // Act 2: inside the wait, the client refuses by itself.
        const second = await failureOf(client.fetchPositions(request));

        // Assess 2
        expect(second).toBeInstanceOf(Type);
        expect(second.message).toMatch(/not called: the host asked us to wait 1 s more/);
        expect(sim.requests.length).toBe(calls);

        // Act 3: once the time has passed, the host is called again.
        t = retryAt;
        const positions = await client.fetchPositions(request);

        // Assess 3
        expect(positions).toHaveLength(3);
        expect(logOf(sim, source).map((r) => r.status)).toEqual([200, status, 200]);
      } finally {
        await client.close();
        await sim.close();
      }
    },
  );
});

describe('faults', () => {
  const keys = hmacKeys('faulty');
  let sim: ExchangeSimulator;
  beforeAll(async () => {
    sim = await startExchangeSimulator({
      accounts: [account('faulty', keys, { positions: book(UM_ONE_WAY, CM_ONE_WAY) })],
    });
  });
  afterAll(() => sim.close());
  const request = (source: SourceId) => requestFor(sim, 'faulty', source, signerOf(keys, 'faulty'));

  it.each(['usdm', 'usdm-ws', 'pm-cm'] as const)('%s: a 5xx, then success', async (source) => {
    sim.clearFaults();
    const from = sim.requests.length;
    sim.injectFault({ source, times: 1 }, { kind: 'status5xx', status: 503 });
    const positions = await withClient(FAST, (client) => client.fetchPositions(request(source)));
    expect(positions).toHaveLength(3);
    expect(logOf(sim, source, from).map((r) => r.status)).toEqual([503, 200]);
  });

  it('a 5xx that persists fails after the bounded retries, with the exchange code', async () => {
    sim.clearFaults();
    const from = sim.requests.length;
    sim.injectFault({ source: 'coinm', times: Number.POSITIVE_INFINITY }, { kind: 'status5xx', status: 502 });
    try {
      const error = await withClient({ ...FAST, retries: 2 }, (client) =>
        failureOf(client.fetchPositions(request('coinm'))),
      );
      expect(error).toMatchObject({ source: 'coinm', httpStatus: 502, exchangeCode: -1001, transient: true });
      expect(error.message).toMatch(/^faulty coinm GET \/dapi\/v1\/positionRisk: HTTP 502 code -1001 server error/);
      expect(logOf(sim, 'coinm', from)).toHaveLength(3);
    } finally {
      sim.clearFaults();
    }
  });

  it.each(['usdm', 'usdm-ws', 'pm-um'] as const)('%s: no answer is a timeout', async (source) => {
    sim.clearFaults();
    sim.injectFault({ source, times: 1 }, { kind: 'hang' });
    const started = Date.now();
    const error = await withClient({ ...FAST, timeoutMs: 200, retries: 0 }, (client) =>
      failureOf(client.fetchPositions(request(source))),
    );
    expect(error).toMatchObject({ source, kind: 'timeout' });
    expect(error.message).toMatch(/no (answer|reply) within 200 ms/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it.each(['usdm', 'usdm-ws'] as const)('%s: a timeout, then success on the retry', async (source) => {
    sim.clearFaults();
    sim.injectFault({ source, times: 1 }, { kind: 'hang' });
    const positions = await withClient({ ...FAST, timeoutMs: 200, retries: 1 }, (client) =>
      client.fetchPositions(request(source)),
    );
    expect(positions).toHaveLength(3);
  });

  it.each(ALL_SOURCES)('%s: a body of another shape is a clear error naming what arrived', async (source) => {
    sim.clearFaults();
    sim.injectFault({ source, times: 1 }, { kind: 'malformed', body: 'wrong-shape' });
    const error = await withClient(FAST, (client) => failureOf(client.fetchPositions(request(source))));
    expect(error).toMatchObject({ source, kind: 'malformed' });
    expect(error.message).toMatch(/is not the documented array of positions/);
    expect(error.message).toMatch(source === 'usdm-ws' ? /an object with positions/ : /an object with code, data/);
  });

  it.each(['usdm', 'usdm-ws'] as const)('%s: a body that is not JSON is a clear error', async (source) => {
    sim.clearFaults();
    sim.injectFault({ source, times: 1 }, { kind: 'malformed', body: 'invalid-json' });
    const error = await withClient(FAST, (client) => failureOf(client.fetchPositions(request(source))));
    expect(error).toMatchObject({ source, kind: 'malformed' });
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('a row without its amount is an error naming the row and the field', async () => {
    // The simulator only renders valid rows: a bare server sends the broken one.
    const server = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      if (req.url?.startsWith('/fapi/v1/time')) {
        res.end(JSON.stringify({ serverTime: Date.now() }));
        return;
      }
      res.end(
        JSON.stringify([
          {
            symbol: 'BTCUSDT',
            positionSide: 'BOTH',
            positionAmt: '1',
            entryPrice: '1',
            markPrice: '1',
            unRealizedProfit: '0',
            liquidationPrice: '0',
            leverage: '5',
            updateTime: 0,
          },
          {
            symbol: 'ETHUSDT',
            positionSide: 'BOTH',
            entryPrice: '1',
            markPrice: '1',
            unRealizedProfit: '0',
            liquidationPrice: '0',
            leverage: '5',
            updateTime: 0,
          },
        ]),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const error = await withClient(FAST, (client) =>
        failureOf(client.fetchPositions({ ...request('usdm'), endpoint: url })),
      );
      expect(error.kind).toBe('malformed');
      expect(error.message).toMatch(/\[1\]\.positionAmt: expected a decimal number, got nothing/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the WebSocket API connection', () => {
  const names = Array.from({ length: 12 }, (_, i) => `ws${i}`);
  const keys = new Map(names.map((name) => [name, hmacKeys(name)]));
  let sim: ExchangeSimulator;
  let opened = 0;
  let closed = 0;
  const onOpen = () => {
    opened += 1;
  };
  const onClose = () => {
    closed += 1;
  };
  beforeAll(async () => {
    sim = await startExchangeSimulator({
      accounts: names.map((name, i) =>
        account(name, keys.get(name)!, {
          positions: {
            'usdm-ws': [{ symbol: 'BTCUSDT', positionAmt: i + 1, entryPrice: 60_000, markPrice: 61_000 }],
          },
        }),
      ),
    });
    subscribe('undici:websocket:open', onOpen);
    subscribe('undici:websocket:close', onClose);
  });
  afterAll(async () => {
    unsubscribe('undici:websocket:open', onOpen);
    unsubscribe('undici:websocket:close', onClose);
    await sim.close();
  });
  const request = (name: string) => requestFor(sim, name, 'usdm-ws', signerOf(keys.get(name)!, name));

  it('matches replies to concurrent requests by id, on one reused connection, closed on close()', async () => {
    // Prepare: later requests get their replies first.
    sim.clearFaults();
    names.forEach((name, i) => {
      sim.injectFault({ source: 'usdm-ws', account: name }, { kind: 'delay', ms: (names.length - i) * 8 });
    });
    const openedBefore = opened;
    const closedBefore = closed;
    const client = new BinanceClient(FAST);
    try {
      // Act
      const concurrent = await Promise.all(names.map((name) => client.fetchPositions(request(name))));
      const sequential = [];
      for (const name of names.slice(0, 3)) sequential.push(await client.fetchPositions(request(name)));

      // Assess
      concurrent.forEach((positions, i) => {
        expect(positions).toHaveLength(1);
        expect(positions[0]).toMatchObject({ account: names[i], positionAmt: i + 1 });
      });
      expect(sequential.map((p) => p[0]?.positionAmt)).toEqual([1, 2, 3]);
      expect(opened - openedBefore).toBe(1);
      expect(closed - closedBefore).toBe(0);
    } finally {
      await client.close();
    }
    expect(closed - closedBefore).toBe(1);
    await eventually(() => sim.openSockets() === 0, 2_000, 'no socket open');
  });

  it('closes an idle connection and opens a new one when needed', async () => {
    sim.clearFaults();
    const openedBefore = opened;
    const closedBefore = closed;
    await withClient({ ...FAST, wsIdleMs: 50 }, async (client) => {
      await client.fetchPositions(request('ws0'));
      await eventually(() => closed - closedBefore === 1, 1_000, 'the idle connection closed');
      const positions = await client.fetchPositions(request('ws1'));
      expect(positions[0]?.positionAmt).toBe(2);
    });
    expect(opened - openedBefore).toBe(2);
  });

  it('a reply for another request never resolves the wrong call: a hang times out alone', async () => {
    sim.clearFaults();
    sim.injectFault({ source: 'usdm-ws', account: 'ws2' }, { kind: 'hang' });
    const results = await withClient({ ...FAST, timeoutMs: 200, retries: 0 }, (client) =>
      client.fetchAll(['ws1', 'ws2', 'ws3'].map(request)),
    );
    expect(results.map((r) => (r.ok ? r.positions[0]?.positionAmt : r.error.kind))).toEqual([2, 'timeout', 4]);
  });
});

describe('many accounts', () => {
  const names = Array.from({ length: 50 }, (_, i) => `acct${String(i).padStart(2, '0')}`);
  const keys = new Map(names.map((name) => [name, hmacKeys(name)]));
  const accounts = names.map((name) => account(name, keys.get(name)!, { positions: book(UM_ONE_WAY, CM_ONE_WAY) }));
  // One simulator per host family, as the exchange has: fapi (with its WebSocket API), dapi, papi.
  let fapi: ExchangeSimulator;
  let dapi: ExchangeSimulator;
  let papi: ExchangeSimulator;
  beforeAll(async () => {
    [fapi, dapi, papi] = await Promise.all([
      startExchangeSimulator({ accounts, latencyMs: 10 }),
      startExchangeSimulator({ accounts, latencyMs: 10 }),
      startExchangeSimulator({ accounts, latencyMs: 10 }),
    ]);
  });
  afterAll(() => Promise.all([fapi.close(), dapi.close(), papi.close()]));

  function simFor(source: SourceId): ExchangeSimulator {
    return source === 'coinm' ? dapi : source.startsWith('pm-') ? papi : fapi;
  }

  it('50 accounts × 5 sources: bounded concurrency, every result, weight per host, no socket left open', async () => {
    // Prepare
    const requests: PositionRequest[] = names.flatMap((name) =>
      ALL_SOURCES.map((source) => requestFor(simFor(source), name, source, signerOf(keys.get(name)!, name))),
    );
    let inFlight = 0;
    let maxInFlight = 0;
    const positionRequests = new WeakSet<object>();
    const onCreate = (message: unknown) => {
      const { request } = message as { request: { path: string } };
      if (!request.path.includes('positionRisk')) return;
      positionRequests.add(request);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
    };
    const onDone = (message: unknown) => {
      if (positionRequests.delete((message as { request: object }).request)) inFlight -= 1;
    };
    subscribe('undici:request:create', onCreate);
    subscribe('undici:request:trailers', onDone);
    subscribe('undici:request:error', onDone);
    const client = new BinanceClient(FAST);
    const concurrency = 8;

    // Act
    let results: Awaited<ReturnType<BinanceClient['fetchAll']>>;
    let weights: ReturnType<BinanceClient['usedWeight']>;
    try {
      results = await client.fetchAll(requests, { concurrency });
      weights = client.usedWeight();
    } finally {
      await client.close();
      unsubscribe('undici:request:create', onCreate);
      unsubscribe('undici:request:trailers', onDone);
      unsubscribe('undici:request:error', onDone);
    }

    // Assess
    expect(results).toHaveLength(250);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    results.forEach((r, i) => {
      expect([r.account, r.source]).toEqual([requests[i]!.account, requests[i]!.source]);
    });
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(concurrency);
    const hosts = weights.map((w) => w.host).sort();
    expect(hosts).toEqual([dapi.url, fapi.url, papi.url, new URL(fapi.wsUrl).origin].sort());
    for (const w of weights) expect(w.usedWeight1m).toBeGreaterThan(0);
    // 50 COIN-M calls of weight 1, plus the time probe.
    expect(weights.find((w) => w.host === dapi.url)?.usedWeight1m).toBeLessThanOrEqual(52);
    for (const sim of [fapi, dapi, papi]) {
      await eventually(() => sim.openSockets() === 0, 2_000, `no socket open on ${sim.url}`);
    }
  });

  it('one failing source does not stop the others', async () => {
    const broken = 'acct07';
    dapi.injectFault({ source: 'coinm', account: broken, times: Number.POSITIVE_INFINITY }, { kind: 'status5xx' });
    try {
      const requests = names
        .slice(5, 10)
        .flatMap((name) =>
          ALL_SOURCES.map((source) => requestFor(simFor(source), name, source, signerOf(keys.get(name)!, name))),
        );
      requests.push(
        requestFor(fapi, 'acct08', 'usdm', Signer.fromKeys({ apiKey: 'key-unknown', apiSecret: 'x' }, 'acct08')),
      );
      const results = await withClient({ ...FAST, retries: 1 }, (client) =>
        client.fetchAll(requests, { concurrency: 4 }),
      );
      const failed = results.filter((r) => !r.ok).map((r) => `${r.account} ${r.source}`);
      expect(failed).toEqual([`${broken} coinm`, 'acct08 usdm']);
      expect(results.filter((r) => r.ok)).toHaveLength(24);
    } finally {
      dapi.clearFaults();
    }
  });
});

describe('secrets', () => {
  it('no error, printed object, log line or CLI output holds a secret or a private key', async () => {
    // Prepare: an account per key type, and a wrong secret that is just as secret.
    const hmac = hmacKeys('sec-hmac');
    const ed = asymmetricKeys('sec-ed', 'ed25519');
    const rsa = asymmetricKeys('sec-rsa', 'rsa');
    const wrongSecret = `wrong-secret-${'w'.repeat(32)}`;
    const passphrase = `passphrase-${'p'.repeat(24)}`;
    const encrypted = createPrivateKey(ed.secret)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
      .toString();
    const secrets = [hmac.secret, wrongSecret, ed.secret, rsa.secret, passphrase, encrypted];
    const fragments = secrets.flatMap((secret) => [secret, ...secret.split('\n').filter((line) => line.length >= 40)]);
    const sim = await startExchangeSimulator({
      accounts: [
        account('sec-hmac', hmac, { positions: book(UM_ONE_WAY, CM_ONE_WAY) }),
        account('sec-ed', ed, { positions: book(UM_ONE_WAY, CM_ONE_WAY) }),
        account('sec-rsa', rsa, { positions: book(UM_ONE_WAY, CM_ONE_WAY) }),
      ],
    });
    const dir = await mkdtemp(join(tmpdir(), 'liqwatch-secrets-'));
    const shown: string[] = [];
    const capture = (...args: unknown[]) => {
      shown.push(format(...args));
    };
    const spies = [
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
        vi.spyOn(console, m).mockImplementation(capture),
      ),
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        shown.push(String(chunk));
        return true;
      }),
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        shown.push(String(chunk));
        return true;
      }),
    ];
    const show = (value: unknown) => {
      shown.push(JSON.stringify(value) ?? '', inspect(value, { depth: 10, showHidden: true }), String(value));
      if (value instanceof Error) shown.push(value.stack ?? '', inspect(value.cause, { depth: 10 }));
    };
    try {
      const signers = [
        signerOf(hmac, 'sec-hmac'),
        signerOf(ed, 'sec-ed'),
        signerOf(rsa, 'sec-rsa'),
        Signer.fromKeys({ apiKey: hmac.keys.apiKey, apiSecret: wrongSecret }, 'sec-hmac'),
      ];
      signers.forEach(show);

      // Act: a run that succeeds, and one where everything fails.
      await withClient({ ...FAST, timeoutMs: 200, retries: 1 }, async (client) => {
        const names = ['sec-hmac', 'sec-ed', 'sec-rsa', 'sec-hmac'];
        const everything = signers.flatMap((signer, i) =>
          ALL_SOURCES.map((source) => requestFor(sim, names[i]!, source, signer)),
        );
        (await client.fetchAll(everything)).forEach(show);
        // The 429 goes to the WebSocket API, whose host is not the REST one, so every fault is seen.
        sim.injectFault({ source: 'usdm-ws', times: 2 }, { kind: 'rateLimit429', retryAfterSec: 1 });
        sim.injectFault({ source: 'usdm', times: 2 }, { kind: 'hang' });
        sim.injectFault({ source: 'coinm', times: 2 }, { kind: 'status5xx' });
        sim.injectFault({ source: 'pm-um', times: 2 }, { kind: 'malformed', body: 'invalid-json' });
        sim.injectFault({ source: 'pm-cm', times: 2 }, { kind: 'malformed', body: 'wrong-shape' });
        (await client.fetchAll(everything.slice(0, 5))).forEach(show);
        show(client);
      });

      // Act: the command, with good keys, a wrong secret and keys files it cannot use.
      const files = {
        good: join(dir, 'good.json'),
        wrong: join(dir, 'wrong.json'),
        ed: join(dir, 'ed.json'),
        noKey: join(dir, 'no-key.json'),
        badPem: join(dir, 'bad-pem.json'),
        passphrase: join(dir, 'passphrase.json'),
        wrongPassphrase: join(dir, 'wrong-passphrase.json'),
      };
      await writeFile(files.good, JSON.stringify(hmac.keys));
      await writeFile(files.wrong, JSON.stringify({ apiKey: hmac.keys.apiKey, apiSecret: wrongSecret }));
      await writeFile(files.ed, JSON.stringify(ed.keys));
      await writeFile(files.noKey, JSON.stringify({ apiSecret: hmac.secret }));
      await writeFile(
        files.badPem,
        JSON.stringify({ apiKey: ed.keys.apiKey, privateKey: ed.secret.replace(/[A-Za-z]{6}/, 'AAAAAA') }),
      );
      const withPassphrase = { apiKey: ed.keys.apiKey, privateKey: encrypted, privateKeyPassphrase: passphrase };
      await writeFile(files.passphrase, JSON.stringify(withPassphrase));
      await writeFile(files.wrongPassphrase, JSON.stringify({ ...withPassphrase, privateKeyPassphrase: 'nope' }));
      sim.clearFaults();
      const cli: { code: number; out: string; err: string }[] = [];
      for (const [file, source] of [
        [files.good, 'usdm'],
        [files.good, 'usdm-ws'],
        [files.wrong, 'usdm'],
        [files.wrong, 'usdm-ws'],
        [files.ed, 'pm-cm'],
        [files.noKey, 'usdm'],
        [files.badPem, 'coinm'],
        [files.passphrase, 'coinm'],
        [files.wrongPassphrase, 'coinm'],
      ] as const) {
        for (const json of [[], ['--json']]) {
          const args = [
            'positions',
            '--source',
            source,
            '--keys',
            file,
            '--base-url',
            requestFor(sim, '', source, signers[0]!).endpoint!,
          ];
          const run = await runCli([...args, ...json], { cwd: dir });
          cli.push({ code: run.code, out: run.stdout, err: run.stderr });
          shown.push(run.stdout, run.stderr);
        }
      }

      // Assess: the runs did what they should, so there was something to leak.
      expect(cli.map((c) => c.code)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1]);
      expect(cli[4]?.err).toMatch(/code -1022/);
      expect(shown.join('\n')).toMatch(/code -1022/);
      for (const failure of [
        /no answer within 200 ms/,
        /rate limited/,
        /HTTP 503/,
        /not valid JSON/,
        /documented array/,
      ]) {
        expect(shown.join('\n')).toMatch(failure);
      }
      for (const text of shown) {
        for (const fragment of fragments)
          expect(text.includes(fragment), `leaked in: ${text.slice(0, 200)}`).toBe(false);
        expect(text).not.toMatch(/signature=/);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
