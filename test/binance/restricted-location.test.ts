import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSimulator } from '#local/exchange-simulator/index.js';
import { FAST, failureOf, logOf, type SoloAccount, soloAccount, withClient } from './scenario.js';

/*
 * From a place the exchange does not serve (a US AWS region, say), every call is answered 451 with code 0.
 * No retry or key can help, so the error says where to run instead, and the call is made once.
 */
let solo: SoloAccount;
let sim: ExchangeSimulator;

beforeAll(async () => {
  solo = await soloAccount('abroad');
  sim = solo.sim;
});
afterAll(async () => {
  await sim.close();
});

describe('HTTP 451 from a restricted location', () => {
  it.for(['usdm', 'coinm', 'pm-um', 'usdm-ws'] as const)(
    '%s: the error names the status and what to do, and is not retried',
    async (source) => {
      // Prepare: every call of this source is refused, the clock probe included.
      const from = sim.requests.length;
      sim.injectFault({ source, times: 10 }, { kind: 'restricted451' });
      sim.injectFault({ source: 'time', times: 10 }, { kind: 'restricted451' });

      // Act
      const error = await withClient(FAST, (client) => failureOf(client.fetchPositions(solo.request(source))));
      sim.clearFaults();

      // Assess
      expect(error.httpStatus).toBe(451);
      expect(error.message).toContain('HTTP 451');
      expect(error.message).toContain('restricted location');
      expect(error.message).toContain('run liqwatch from a region it serves');
      expect(error.transient).toBe(false);
      expect(logOf(sim, source, from).length).toBeLessThanOrEqual(1);
    },
  );
});
