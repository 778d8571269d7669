import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RESPONSE_BYTES } from '#binance/client.js';
import { eventually, FAST, failureOf, logOf, type SoloAccount, soloAccount, withClient } from './scenario.js';

/*
 * An answer far larger than any account's (a 64 MiB body of valid rows) is refused at the cap, with a
 * typed error naming the cap and the endpoint, and the rest of it is never read: the simulator, which
 * makes the body as the client takes it, stops well short of its end.
 */
describe('a response larger than the cap', () => {
  const BODY = 64 * 1024 * 1024;
  let solo: SoloAccount;
  beforeAll(async () => {
    solo = await soloAccount('huge');
  });
  afterAll(() => solo.sim.close());

  it('the default cap is 16 MiB: some thirty times the largest real positionRisk', () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(16 * 1024 * 1024);
  });

  it.each(['usdm', 'usdm-ws', 'pm-cm'] as const)(
    '%s: a typed too-large error naming the cap and the endpoint; the rest is not read',
    async (source) => {
      // Prepare
      const { sim } = solo;
      sim.clearFaults();
      const from = sim.requests.length;
      sim.injectFault({ source, account: 'huge' }, { kind: 'largeBody', bytes: BODY });

      // Act
      const error = await withClient(FAST, (client) => failureOf(client.fetchPositions(solo.request(source))));

      // Assess: the error
      expect(error).toMatchObject({ account: 'huge', source, kind: 'too-large', transient: false });
      expect(error.message).toContain(error.endpoint);
      expect(error.message).toMatch(/larger than 16 MiB/);
      expect(error.message).not.toMatch(/signature|timestamp=|apiKey/);
      // Assess: not retried, and the sending stopped short of the body's end.
      const calls = logOf(solo.sim, source, from);
      expect(calls).toHaveLength(1);
      await eventually(() => calls[0]?.body !== undefined, 5_000, 'the body to end');
      expect(calls[0]?.body?.complete).toBe(false);
      expect(calls[0]?.body?.bytes).toBeLessThan(BODY / 2);
    },
  );

  it('the cap is an option; an answer under it is read as usual', async () => {
    const { sim, request } = solo;
    sim.clearFaults();
    const results = await withClient({ ...FAST, maxResponseBytes: 256 * 1024 }, async (client) => {
      const small = await client.fetchAll([request('usdm'), request('usdm-ws')]);
      sim.injectFault({ source: 'usdm', account: 'huge' }, { kind: 'largeBody', bytes: 300 * 1024 });
      sim.injectFault({ source: 'usdm-ws', account: 'huge' }, { kind: 'largeBody', bytes: 300 * 1024 });
      const large = await client.fetchAll([request('usdm'), request('usdm-ws')]);
      return [...small, ...large].map((r) => (r.ok ? r.positions.length : r.error.message));
    });
    expect(results.slice(0, 2)).toEqual([3, 3]);
    for (const message of results.slice(2)) expect(message).toMatch(/larger than 256 KiB/);
  });
});
