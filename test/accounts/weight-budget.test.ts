import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOneCheck, startWeightSims, type WeightSims } from '#builders/weight-world.js';
import { SOURCE_IDS } from '#core/position.js';

/*
 * What one check costs the exchange: 50 accounts on all five sources, their positions and their account
 * reads (margin numbers and ADL quantiles, as the default rules ask), in one cycle against one simulator per
 * host family, as the exchange counts weight (USDⓈ-M with its WebSocket API, COIN-M, Portfolio Margin).
 * Each family's weight must stay under the 2,400 a minute an IP may use, with room for a retry.
 */

const ACCOUNTS = 50;
const LIMIT_PER_MINUTE = 2_400;
const T0 = Date.UTC(2026, 0, 5, 12, 0, 10);
const names = Array.from({ length: ACCOUNTS }, (_, i) => `w${String(i).padStart(2, '0')}`);

let sims: WeightSims;
beforeAll(async () => {
  sims = await startWeightSims(names, T0);
});
afterAll(() => Promise.all(Object.values(sims ?? {}).map((s) => s.close())));

describe('the weight of one check of 50 accounts on every source', () => {
  it('stays under each host family’s limit, account reads included', async () => {
    const { failures, used } = await readOneCheck(
      sims,
      names.map((name) => ({ name, sources: SOURCE_IDS })),
      T0,
    );
    expect(failures).toEqual([]);
    console.log(
      `weight of one check, ${ACCOUNTS} accounts × 5 sources: ${Object.entries(used)
        .map(([f, w]) => `${f} ${w} (${(w / ACCOUNTS).toFixed(1)} per account)`)
        .join(', ')}`,
    );
    // Per account: USDⓈ-M positions 5 + account 5 + ADL 5 on REST, positions 5 + account 5 on the WebSocket
    // API; COIN-M positions 1 + account 5 + ADL 5; Portfolio Margin positions 5 (UM) + 1 (CM), the account
    // page once (20), ADL 5 + 5.
    expect(used.fapi).toBeGreaterThanOrEqual(ACCOUNTS * 25);
    expect(used.dapi).toBeGreaterThanOrEqual(ACCOUNTS * 11);
    expect(used.papi).toBeGreaterThanOrEqual(ACCOUNTS * 36);
    // The Portfolio Margin page is read once per account, not once per book: 20 more each otherwise.
    expect(used.papi).toBeLessThan(ACCOUNTS * 56);
    for (const w of Object.values(used)) expect(w).toBeLessThanOrEqual(LIMIT_PER_MINUTE * 0.9);
  });
});
