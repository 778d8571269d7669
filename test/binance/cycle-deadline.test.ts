import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BinanceClient, type PositionRequest, type SourceResult } from '#binance/client.js';
import type { SourceId } from '#core/position.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import {
  account,
  book,
  CM_ONE_WAY,
  hmacKeys,
  logOf,
  requestFor,
  signerOf,
  UM_ONE_WAY,
  withClient,
} from './scenario.js';

/*
 * One cycle of `fetchAll` against a COIN-M host that never answers: it must not run the check past its
 * time. A host that timed out is not called again in the cycle, and nothing starts after the cycle's
 * deadline. A hang can only be seen in real time, so the timeouts here are a few hundred milliseconds:
 * short, yet long enough for a healthy call on a busy machine.
 */
const names = Array.from({ length: 50 }, (_, i) => `acct${String(i).padStart(2, '0')}`);
const keys = new Map(names.map((name) => [name, hmacKeys(name)]));
const accounts = names.map((name) => account(name, keys.get(name)!, { positions: book(UM_ONE_WAY, CM_ONE_WAY) }));

// One simulator per host, as the exchange has: fapi for USDⓈ-M, dapi for COIN-M.
let fapi: ExchangeSimulator;
let dapi: ExchangeSimulator;
beforeAll(async () => {
  [fapi, dapi] = await Promise.all([startExchangeSimulator({ accounts }), startExchangeSimulator({ accounts })]);
});
afterEach(() => {
  dapi.clearFaults();
});
afterAll(() => Promise.all([fapi.close(), dapi.close()]));

function requests(of: readonly string[]): PositionRequest[] {
  return of.flatMap((name) =>
    (['usdm', 'coinm'] as const).map((source) =>
      requestFor(source === 'coinm' ? dapi : fapi, name, source, signerOf(keys.get(name)!, name)),
    ),
  );
}

function bySource(results: readonly SourceResult[], source: SourceId): SourceResult[] {
  return results.filter((r) => r.source === source);
}

describe('a host that does not answer', () => {
  it('50 accounts × (usdm + coinm), coinm hanging: settled within a timeout of the healthy cycle, usdm all read', async () => {
    // Prepare: a warm client, and how long the same cycle takes with every host answering, on this
    // machine now.
    const timeoutMs = 500;
    const concurrency = 16;
    const now = () => Date.now();
    const client = new BinanceClient({ timeoutMs, retries: 2, backoffMs: 5, now });
    const cycle = async () => {
      const started = now();
      const results = await client.fetchAll(requests(names), { concurrency });
      return { results, took: now() - started };
    };
    try {
      await cycle();
      const healthy = await cycle();
      expect(healthy.results.filter((r) => !r.ok)).toEqual([]);
      dapi.injectFault({ source: 'coinm', times: Number.POSITIVE_INFINITY }, { kind: 'hang' });
      const from = dapi.requests.length;

      // Act
      const { results, took } = await cycle();

      // Assess: in time. Without the rule each COIN-M call waits out three timeouts, 16 at a time.
      expect(took).toBeLessThan(healthy.took + 2 * timeoutMs);
      // Assess: USDⓈ-M read; COIN-M failed as timeouts, each within about one timeout, and called once
      // at most by each worker: never retried, never called after the first timeout.
      expect(bySource(results, 'usdm').filter((r) => !r.ok)).toEqual([]);
      const coinm = bySource(results, 'coinm');
      expect(coinm).toHaveLength(50);
      const called = logOf(dapi, 'coinm', from).length;
      expect(called).toBeGreaterThan(0);
      expect(called).toBeLessThanOrEqual(concurrency);
      const messages = coinm.map((r) => (r.ok ? 'ok' : `${r.error.kind}: ${r.error.message}`));
      for (const m of messages) expect(m).toMatch(/^timeout: /);
      const waited = messages.filter((m) => m.endsWith(`no answer within ${timeoutMs} ms`));
      expect(waited.length).toBeGreaterThanOrEqual(called);
      expect(waited.length).toBeLessThanOrEqual(concurrency);
      const notCalled = messages.filter((m) => m.endsWith(`not called: ${dapi.url} did not answer in this cycle`));
      expect(notCalled).toHaveLength(50 - waited.length);
      for (const r of coinm) expect(r.ms).toBeLessThan(2 * timeoutMs);
    } finally {
      await client.close();
    }
  });

  it('a single call keeps its retries: a timeout, then success', async () => {
    dapi.injectFault({ source: 'coinm', times: 1 }, { kind: 'hang' });
    const positions = await withClient({ timeoutMs: 100, retries: 1, backoffMs: 5 }, (client) =>
      client.fetchPositions(requests(['acct00'])[1]!),
    );
    expect(positions).toHaveLength(3);
  });
});

describe('the cycle deadline', () => {
  it('past the deadline nothing is called: every request settles at once as a deadline failure', async () => {
    // The client's clock is the test's: the deadline has passed before the cycle starts.
    const t = 1_800_000_000_000;
    const client = new BinanceClient({ now: () => t });
    const from = [fapi.requests.length, dapi.requests.length];
    try {
      const results = await client.fetchAll(requests(names.slice(0, 3)), { deadline: t });
      expect(results).toHaveLength(6);
      for (const r of results) {
        expect(r.ok).toBe(false);
        if (r.ok) continue;
        expect(r.error).toMatchObject({ account: r.account, source: r.source, kind: 'deadline' });
        expect(r.error.message).toMatch(/not called: the cycle's deadline has passed/);
        expect(r.ms).toBe(0);
      }
    } finally {
      await client.close();
    }
    expect([fapi.requests.length, dapi.requests.length]).toEqual(from);
  });

  it('calls in flight end at the deadline and those still queued settle with them', async () => {
    // Prepare: a warm client with two workers, both soon held by COIN-M calls that would wait 5 s for
    // their timeout.
    const now = () => Date.now();
    const budgetMs = 400;
    const client = new BinanceClient({ timeoutMs: 5_000, retries: 2, backoffMs: 5, now });
    let results: SourceResult[];
    let took: number;
    try {
      await client.fetchAll(requests(names.slice(0, 4)));
      dapi.injectFault({ source: 'coinm', times: Number.POSITIVE_INFINITY }, { kind: 'hang' });

      // Act
      const started = now();
      results = await client.fetchAll(requests(names.slice(0, 4)), { concurrency: 2, deadline: started + budgetMs });
      took = now() - started;
    } finally {
      await client.close();
    }

    // Assess
    expect(took).toBeLessThan(4 * budgetMs);
    const outcome = results.map((r) => `${r.account} ${r.source} ${r.ok ? 'ok' : r.error.kind}`);
    expect(outcome).toEqual([
      'acct00 usdm ok',
      'acct00 coinm deadline',
      'acct01 usdm ok',
      'acct01 coinm deadline',
      'acct02 usdm deadline',
      'acct02 coinm deadline',
      'acct03 usdm deadline',
      'acct03 coinm deadline',
    ]);
    const waited = results.find((r) => r.account === 'acct00' && r.source === 'coinm');
    expect(waited?.ok === false && waited.error.message).toMatch(/no answer before the cycle's deadline/);
    const queued = results.find((r) => r.account === 'acct03' && r.source === 'usdm');
    expect(queued?.ok === false && queued.error.message).toMatch(/not called: the cycle's deadline has passed/);
  });
});
