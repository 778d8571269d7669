import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST, failureOf, logOf, type SoloAccount, soloAccount, withClient } from './scenario.js';

/*
 * A key revoked while the WebSocket API connection is open: the exchange answers -2015 with
 * `"id": null`, tied to no request. Every call waiting on that connection takes it as its answer, at
 * once and typed as refused keys, rather than waiting out its timeout as "no reply".
 */
describe('a key revoked on an open WebSocket API connection', () => {
  let solo: SoloAccount;
  beforeAll(async () => {
    solo = await soloAccount('revoked');
  });
  afterAll(() => solo.sim.close());
  const request = () => solo.request('usdm-ws');

  it('the id-less -2015 answers the waiting call: keys refused, not a timeout', async () => {
    solo.sim.clearFaults();
    const from = solo.sim.requests.length;
    const error = await withClient(FAST, async (client) => {
      await client.fetchPositions(request()); // the connection is open
      solo.sim.injectFault({ source: 'usdm-ws', account: 'revoked' }, { kind: 'keyRevoked' });
      return failureOf(client.fetchPositions(request()));
    });
    expect(error).toMatchObject({
      account: 'revoked',
      source: 'usdm-ws',
      endpoint: 'ws account.position',
      kind: 'exchange',
      httpStatus: 401,
      exchangeCode: -2015,
      keysRefused: true,
    });
    expect(error.message).toContain('Invalid API-key, IP, or permissions for action');
    // Refused keys are not retried.
    expect(logOf(solo.sim, 'usdm-ws', from).map((r) => r.code ?? r.status)).toEqual([200, -2015]);
  });

  it('every call waiting on the connection takes the same answer', async () => {
    solo.sim.clearFaults();
    const errors = await withClient(FAST, async (client) => {
      await client.fetchPositions(request());
      // The first call's reply never comes; the second is answered with the id-less error.
      solo.sim.injectFault({ source: 'usdm-ws', account: 'revoked' }, { kind: 'hang' });
      solo.sim.injectFault({ source: 'usdm-ws', account: 'revoked' }, { kind: 'keyRevoked' });
      const results = await client.fetchAll([request(), request()], { concurrency: 2 });
      return results.map((r) => (r.ok ? 'ok' : r.error));
    });
    for (const error of errors) {
      expect(error).toMatchObject({ kind: 'exchange', exchangeCode: -2015, keysRefused: true });
    }
  });
});
