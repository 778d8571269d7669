import { describe, expect, it } from 'vitest';
import { BinanceClient, type HostBan } from '#binance/client.js';
import { IpBannedError, RateLimitError } from '#binance/errors.js';
import { FAST, failureOf, logOf, soloAccount } from './scenario.js';

/*
 * A 418 or 429 outlives the process that heard it: `bans()` tells what blocks are in force, and a
 * client given them with `restoreBans()` (the next scheduled check) does not call those hosts until
 * the time passes. The simulator and both clients share one clock that the test moves.
 */
describe('bans kept between clients', () => {
  it.for([
    ['usdm', 'ban418', IpBannedError, 418],
    ['usdm-ws', 'rateLimit429', RateLimitError, 429],
  ] as const)(
    '%s %s: bans() names it; a new client restored from it does not call the host until then',
    async ([source, kind, Type, status]) => {
      // Prepare: a client learns a ban of 120 s.
      let t = 1_800_000_000_000;
      const now = () => t;
      const { sim, request: requestOf } = await soloAccount('banned', { now });
      const first = new BinanceClient({ ...FAST, now });
      const second = new BinanceClient({ ...FAST, now });
      try {
        const request = requestOf(source);
        await first.fetchPositions(request);
        expect(first.bans()).toEqual([]);
        sim.injectFault({ source }, { kind, retryAfterSec: 120 });
        await failureOf(first.fetchPositions(request));
        const host = source === 'usdm-ws' ? new URL(sim.wsUrl).origin : sim.url;

        // Act 1: what the first client knows, 30 s later.
        t += 30_000;
        const bans = first.bans();

        // Assess 1
        expect(bans).toEqual([{ host, until: 1_800_000_120_000, status }]);

        // Act 2: a new client is told, and called within the ban.
        second.restoreBans(bans);
        const calls = logOf(sim, source).length;
        const refused = await failureOf(second.fetchPositions(request));

        // Assess 2: refused without a call, with the existing typed error.
        expect(refused).toBeInstanceOf(Type);
        expect(refused).toMatchObject({ source, httpStatus: status, retryAt: 1_800_000_120_000 });
        expect(refused.message).toMatch(/not called: the host asked us to wait 90 s more/);
        expect(logOf(sim, source)).toHaveLength(calls);
        expect(second.bans()).toEqual(bans);

        // Act 3: once the ban has passed, the host is called again and the ban is gone.
        t = 1_800_000_120_000;
        const positions = await second.fetchPositions(request);

        // Assess 3
        expect(positions).toHaveLength(3);
        expect(second.bans()).toEqual([]);
        expect(first.bans()).toEqual([]);
      } finally {
        await first.close();
        await second.close();
        await sim.close();
      }
    },
  );

  it('a ban already over is ignored; a later ban known to the client is kept', async () => {
    const t = 1_800_000_000_000;
    const client = new BinanceClient({ now: () => t });
    try {
      client.restoreBans([
        { host: 'https://fapi.binance.com', until: t - 1, status: 429 },
        { host: 'https://dapi.binance.com', until: t + 60_000, status: 418 },
        { host: 'https://dapi.binance.com', until: t + 30_000, status: 429 },
        { host: 'wss://ws-fapi.binance.com', until: t + 5_000, status: 429 },
      ]);
      expect(client.bans()).toEqual([
        { host: 'https://dapi.binance.com', until: t + 60_000, status: 418 },
        { host: 'wss://ws-fapi.binance.com', until: t + 5_000, status: 429 },
      ]);
    } finally {
      await client.close();
    }
  });

  it.each([
    [
      { host: 'fapi.binance.com', until: 1, status: 418 },
      /bans\[0\]\.host "fapi.binance.com" is not an http\(s\) or ws\(s\) origin/,
    ],
    [
      { host: 'https://fapi.binance.com', until: Number.NaN, status: 418 },
      /bans\[0\]\.until must be a time in ms, got NaN/,
    ],
    [{ host: 'https://fapi.binance.com', until: 1, status: 500 }, /bans\[0\]\.status must be 418 or 429, got 500/],
  ])('refuses a ban it cannot use, naming what is wrong: %o', async (ban, message) => {
    const client = new BinanceClient();
    try {
      expect(() => client.restoreBans([ban as HostBan])).toThrow(message);
    } finally {
      await client.close();
    }
  });
});
