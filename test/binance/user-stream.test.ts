/*
 * One account's user data stream against the simulator's listen keys and private streams, on a clock
 * the test moves: events arrive normalised, a liquidation is told with its price and amount, the key is
 * kept alive on time and replaced when it expires, refused keys and dropped connections are retried
 * with a backoff and told once as a gap, and `close()` leaves nothing behind.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ListenKeys } from '#binance/listen-key.js';
import { HttpTransport } from '#binance/rest.js';
import { Signer } from '#binance/sign.js';
import type { StreamGap, UserEvent } from '#binance/stream-events.js';
import { UserStream, type UserStreamOptions } from '#binance/user-stream.js';
import type { SourceId } from '#core/position.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { account, book, CM_ONE_WAY, eventually, hmacKeys, signerOf, type TestKeys, UM_ONE_WAY } from './scenario.js';
import { FakeClock } from './user-stream-fakes.js';

const NAMES = [
  'events',
  'liq',
  'alive',
  'expiry',
  'refused',
  'flaky',
  'drop',
  'malformed',
  'closing',
  'handover',
] as const;
type Name = (typeof NAMES)[number];
const KEYS = Object.fromEntries(NAMES.map((n) => [n, hmacKeys(n)])) as Record<Name, TestKeys>;
const MINUTE = 60_000;

const clock = new FakeClock();
let sim: ExchangeSimulator;
const open: UserStream[] = [];

beforeAll(async () => {
  sim = await startExchangeSimulator({
    accounts: NAMES.map((n) => account(n, KEYS[n], { positions: book(UM_ONE_WAY, CM_ONE_WAY) })),
    now: clock.now,
  });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  sim.clearFaults();
});

afterAll(() => sim.close());

/** A stream of the account on the simulator, and everything it told. */
function watch(name: Name, source: SourceId, extra: Partial<UserStreamOptions> = {}) {
  const told = { events: [] as UserEvent[], gaps: [] as StreamGap[], errors: [] as string[] };
  const stream = new UserStream({
    account: name,
    source,
    signer: signerOf(KEYS[name], name),
    restEndpoint: sim.url,
    streamUrl: sim.userStreamUrl(source),
    onEvent: (e) => told.events.push(e),
    onGap: (g) => told.gaps.push(g),
    onError: (m) => told.errors.push(m),
    now: clock.now,
    timers: clock,
    ...extra,
  });
  open.push(stream);
  return { stream, ...told };
}

/** The listen-key calls of an account since `from`, as `METHOD status-or-code`. */
function keyCalls(name: Name, from = 0): string[] {
  return sim.requests
    .slice(from)
    .filter((r) => r.account === name && r.path?.endsWith('/listenKey'))
    .map((r) => `${r.method} ${r.code ?? r.status}`);
}

/** A change of the BTCUSDT leg's amount, for `updatePositions`. */
const btcTo =
  (amount: number) =>
  <T extends { symbol: string; positionAmt: number }>(legs: T[]): T[] =>
    legs.map((p) => (p.symbol === 'BTCUSDT' ? { ...p, positionAmt: amount } : p));

describe('a user data stream', () => {
  it('tells balance and position updates, margin calls and Portfolio Margin risk levels, normalised', async () => {
    // Prepare
    const um = watch('events', 'usdm');
    const pm = watch('events', 'pm-um');
    await Promise.all([um.stream.start(), pm.stream.start()]);

    // Act
    sim.updatePositions('events', 'usdm', btcTo(0.7));
    sim.marginCall('events', 'usdm');
    sim.setWallet('events', 'usdm', 'USDT', 5_000);
    await eventually(() => um.events.length === 3, 2_000, 'three USDⓈ-M events');

    // Assess
    expect(um.events).toEqual([
      { kind: 'account-update', account: 'events', source: 'usdm', eventTime: clock.now(), reason: 'ORDER' },
      {
        kind: 'margin-call',
        account: 'events',
        source: 'usdm',
        eventTime: clock.now(),
        symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
      },
      { kind: 'account-update', account: 'events', source: 'usdm', eventTime: clock.now(), reason: 'DEPOSIT' },
    ]);

    // One Portfolio Margin stream: each book's events name it (`fs`), the risk level the stream's source.
    sim.updatePositions('events', 'pm-cm', (legs) => legs.filter((p) => p.symbol !== 'ETHUSD_PERP'));
    sim.riskLevelChange('events', 'REDUCE_ONLY');
    await eventually(() => pm.events.length === 2, 2_000, 'two Portfolio Margin events');
    expect(pm.events[0]).toMatchObject({ kind: 'account-update', source: 'pm-cm', reason: 'ORDER' });
    expect(pm.events[1]).toEqual({
      kind: 'risk-level',
      account: 'events',
      source: 'pm-um',
      eventTime: clock.now(),
      uniMMR: expect.any(Number),
      status: 'REDUCE_ONLY',
    });
    expect([...um.errors, ...pm.errors, ...um.gaps, ...pm.gaps]).toEqual([]);
  });

  it('tells a liquidation and an auto-deleverage as force-close, with price and amount, once each', async () => {
    // Prepare
    const um = watch('liq', 'usdm');
    const cm = watch('liq', 'coinm');
    await Promise.all([um.stream.start(), cm.stream.start()]);

    // Act
    sim.liquidate('liq', 'usdm', 'BTCUSDT');
    sim.liquidate('liq', 'coinm', 'ETHUSD_PERP', { type: 'ADL', price: 3_150 });
    await eventually(() => um.events.length === 2 && cm.events.length === 2, 2_000, 'the closes and their updates');

    // Assess
    const at = clock.now();
    expect(um.events).toEqual([
      {
        kind: 'force-close',
        account: 'liq',
        source: 'usdm',
        symbol: 'BTCUSDT',
        positionSide: 'BOTH',
        side: 'SELL',
        type: 'LIQUIDATION',
        price: 48_800,
        qty: 0.5,
        eventTime: at + 1,
      },
      // The leg, flat now, in one ACCOUNT_UPDATE although two sources read the book.
      { kind: 'account-update', account: 'liq', source: 'usdm', eventTime: at, reason: 'ORDER' },
    ]);
    expect(cm.events[0]).toMatchObject({
      kind: 'force-close',
      source: 'coinm',
      symbol: 'ETHUSD_PERP',
      side: 'BUY',
      type: 'ADL',
      price: 3_150,
      qty: 10,
    });
  });

  it('keeps its key alive every 30 minutes, so it outlives the 60-minute validity', async () => {
    const s = watch('alive', 'usdm');
    await s.stream.start();
    expect(keyCalls('alive')).toEqual(['POST 200']);
    clock.advance(30 * MINUTE - 1);
    expect(keyCalls('alive')).toEqual(['POST 200']);
    clock.advance(1);
    await eventually(() => keyCalls('alive').length === 2, 2_000, 'the first keepalive');
    clock.advance(30 * MINUTE);
    await eventually(() => keyCalls('alive').length === 3, 2_000, 'the second keepalive');
    clock.advance(15 * MINUTE); // 75 minutes after the key was made

    sim.updatePositions('alive', 'usdm', btcTo(0.2));
    await eventually(() => s.events.length === 1, 2_000, 'an event on the same connection');
    expect(keyCalls('alive')).toEqual(['POST 200', 'PUT 200', 'PUT 200']);
    expect(s.gaps).toEqual([]);
  });

  it('replaces a key that expired with a new one, and tells the gap', async () => {
    // Prepare
    const s = watch('expiry', 'usdm');
    await s.stream.start();
    const before = await new ListenKeysProbe().key('expiry', 'usdm');

    // Act
    clock.skip(61 * MINUTE); // the process was frozen: no keepalive went out

    // Assess
    await eventually(() => s.gaps.length === 1, 2_000, 'a gap after the expiry');
    expect(s.gaps[0]).toEqual({
      account: 'expiry',
      source: 'usdm',
      reason: 'the listen key expired: a new one was created',
    });
    expect(await new ListenKeysProbe().key('expiry', 'usdm')).not.toBe(before);
    sim.updatePositions('expiry', 'usdm', btcTo(0.3));
    await eventually(() => s.events.length === 1, 2_000, 'an event on the new key');
  });

  it('reports a refused key and retries it after 1 s, 2 s, 4 s: never in a hot loop', async () => {
    const stranger = Signer.fromKeys({ apiKey: `stranger-${'k'.repeat(30)}`, apiSecret: 's'.repeat(40) }, 'x');
    const s = watch('refused', 'usdm', { signer: stranger });
    const from = sim.requests.length;
    await s.stream.start();
    const posts = () => sim.requests.slice(from).filter((r) => r.path === '/fapi/v1/listenKey').length;
    expect(posts()).toBe(1);
    expect(s.errors[0]).toBe(
      'refused usdm POST /fapi/v1/listenKey: HTTP 401 code -2015 refused: Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1 (check the API key, its permissions (read) and its IP restriction)',
    );
    expect(clock.pending()).toEqual([1_000]);
    clock.advance(999);
    expect(posts()).toBe(1);
    for (const [wait, count] of [
      [1, 2],
      [2_000, 3],
      [4_000, 4],
    ] as const) {
      clock.advance(wait);
      await eventually(() => s.errors.length === count, 2_000, `attempt ${count}`);
    }
    expect(posts()).toBe(4);
    expect(clock.pending()).toEqual([8_000]);
  });

  it('opens once the key is accepted again, and tells that gap once', async () => {
    sim.injectFault({ account: 'flaky', path: '/fapi/v1/listenKey', times: 2 }, { kind: 'keyRevoked' });
    const s = watch('flaky', 'usdm');
    await s.stream.start();
    clock.advance(1_000);
    await eventually(() => s.errors.length === 2, 2_000, 'the second refusal');
    clock.advance(2_000);
    await eventually(() => s.gaps.length === 1, 2_000, 'the gap');
    expect(s.gaps[0]?.reason).toBe('the stream opened after its first attempt failed');
    expect(keyCalls('flaky')).toEqual(['POST -2015', 'POST -2015', 'POST 200']);
  });

  it('reconnects after a dropped connection and tells the gap once', async () => {
    const s = watch('drop', 'usdm');
    await s.stream.start();
    expect(sim.dropUserStreams('drop')).toBe(1);
    await eventually(() => clock.pending()[0] === 1_000, 2_000, 'a reconnect planned after 1 s');
    clock.advance(1_000);
    await eventually(() => s.gaps.length === 1, 2_000, 'the gap');
    expect(s.gaps[0]?.reason).toBe('the connection dropped (code 1006) and was opened again');

    sim.updatePositions('drop', 'usdm', btcTo(0.9));
    await eventually(() => s.events.length === 1, 2_000, 'an event after the reconnect');
    expect(s.gaps).toHaveLength(1);
    // The same key, extended by the reconnect's POST.
    expect(keyCalls('drop')).toEqual(['POST 200', 'POST 200']);
  });

  it('reports a frame of the wrong shape, and the next event still arrives', async () => {
    const s = watch('malformed', 'usdm');
    await s.stream.start();
    sim.pushMalformedUserFrame('malformed', 'usdm');
    sim.pushMalformedUserFrame('malformed', 'usdm', 'invalid-json');
    sim.updatePositions('malformed', 'usdm', btcTo(0.4));
    await eventually(() => s.events.length === 1, 2_000, 'the next event');
    expect(s.events[0]).toMatchObject({ kind: 'account-update' });
    expect(s.errors).toEqual([
      'malformed usdm user data stream: ORDER_TRADE_UPDATE o: ap: expected a decimal number, got nothing; L: expected a decimal number, got nothing; z: expected a decimal number, got nothing (and 1 more)',
      'malformed usdm user data stream: user data stream frame: not valid JSON',
    ]);
    expect(s.gaps).toEqual([]);
  });

  it('close() deletes the key and leaves no socket and no timer', async () => {
    const s = watch('closing', 'coinm');
    await s.stream.start();
    await s.stream.close();
    expect(keyCalls('closing')).toEqual(['POST 200', 'DELETE 200']);
    expect(clock.pending()).toEqual([]);
    await eventually(() => sim.openSockets() === 0, 2_000, 'every socket closed');
    await expect(new ListenKeysProbe().keepAlive('closing', 'coinm')).rejects.toThrow('This listenKey does not exist.');
  });

  it('handing over to an overlapping stream (the next invocation), keepKeyOnClose leaves it its key: no drop, no gap', async () => {
    // The exchange gives the account one key: both streams read it.
    const next = watch('handover', 'usdm');
    const leaving = watch('handover', 'usdm', { keepKeyOnClose: true });
    await next.stream.start();
    await leaving.stream.start();
    await leaving.stream.close();
    clock.advance(2_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(next.gaps).toEqual([]);
    expect(keyCalls('handover')).toEqual(['POST 200', 'POST 200']);
    sim.marginCall('handover', 'usdm');
    await eventually(() => next.events.some((e) => e.kind === 'margin-call'), 2_000, 'the next stream still reads');
  });

  it('never shows the API key, the secret or the listen key', async () => {
    const s = watch('flaky', 'pm-cm');
    sim.injectFault({ account: 'flaky', path: '/papi/v1/listenKey' }, { kind: 'keyRevoked' });
    await s.stream.start();
    clock.advance(1_000);
    await eventually(() => s.gaps.length === 1, 2_000, 'the stream open');
    sim.pushMalformedUserFrame('flaky', 'pm-cm');
    sim.dropUserStreams('flaky');
    // The backoff goes on from the refusal: the connection had not proved itself yet.
    await eventually(() => clock.pending()[0] === 2_000, 2_000, 'a reconnect planned');
    clock.advance(2_000);
    await eventually(() => s.gaps.length === 2, 2_000, 'the second gap');
    const listenKey = await new ListenKeysProbe().key('flaky', 'pm-cm');
    const shown = JSON.stringify([s.errors, s.gaps, s.events]);
    expect(s.errors.length).toBeGreaterThan(1);
    for (const secret of [KEYS.flaky.keys.apiKey, KEYS.flaky.secret, listenKey]) expect(shown).not.toContain(secret);
  });
});

/** Reads or keeps alive an account's active key the way the stream does, on a transport of its own. */
class ListenKeysProbe {
  async key(name: Name, source: SourceId): Promise<string> {
    return this.#with((keys) =>
      keys.create({ account: name, source, signer: signerOf(KEYS[name], name), endpoint: sim.url }),
    );
  }

  async keepAlive(name: Name, source: SourceId): Promise<void> {
    return this.#with((keys) =>
      keys.keepAlive({ account: name, source, signer: signerOf(KEYS[name], name), endpoint: sim.url }),
    );
  }

  async #with<T>(run: (keys: ListenKeys) => Promise<T>): Promise<T> {
    const http = new HttpTransport({ now: clock.now });
    try {
      return await run(new ListenKeys(http));
    } finally {
      await http.close();
    }
  }
}
