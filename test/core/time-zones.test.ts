import { describe, expect, it } from 'vitest';
import { buildPosition } from '#builders/position.js';
import { renderPositions, renderStatus } from '#core/format/command-views.js';
import { renderChatNotice } from '#core/format/reachability.js';
import { nextLocalTime, zonedClock } from '#core/format/times.js';

/* Clock times told in the reader's zone, and a daily time set in one zone found for another. */

const T = Date.UTC(2026, 0, 5, 12, 0);
const HOUR = 3_600_000;
const TIERS = () => ({ warningPct: 15, criticalPct: 7.5 });

describe('a clock time names its zone', () => {
  it.each([
    ['UTC', '12:00 UTC'],
    ['Asia/Tokyo', '21:00 Asia/Tokyo'],
    ['America/New_York', '07:00 America/New_York'],
  ])('%s', (zone, text) => {
    expect(zonedClock(T, zone)).toBe(text);
  });
});

describe('the next time a daily clock reads HH:MM', () => {
  it.each([
    ['later today', T, '13:30', 'UTC', Date.UTC(2026, 0, 5, 13, 30)],
    ['tomorrow once passed', T, '08:00', 'UTC', Date.UTC(2026, 0, 6, 8, 0)],
    ['this minute', T + 30_000, '12:00', 'UTC', T],
    ['in another zone', T, '08:00', 'Asia/Tokyo', Date.UTC(2026, 0, 5, 23, 0)],
    // Berlin's clocks go 02:00 → 03:00 on 29 March and 03:00 → 02:00 on 25 October 2026.
    ['across clocks going forward', Date.UTC(2026, 2, 28, 12), '08:00', 'Europe/Berlin', Date.UTC(2026, 2, 29, 6)],
    ['across clocks going back', Date.UTC(2026, 9, 24, 12), '08:00', 'Europe/Berlin', Date.UTC(2026, 9, 25, 7)],
  ])('%s', (_, now, hhmm, zone, next) => {
    expect(nextLocalTime(now, hhmm, zone)).toBe(next);
  });
});

describe("answers in the reader's zone", () => {
  it("/positions says when it read in the chat's zone", () => {
    const read = { positions: [buildPosition()], failures: [] };
    expect(renderPositions(read, T, TIERS)).toMatch(/^📊 <b>1 open position<\/b> · 12:00 UTC/);
    expect(renderPositions(read, T, TIERS, undefined, 'Asia/Tokyo')).toMatch(/ · 21:00 Asia\/Tokyo/);
  });

  it("/status gives a ban's end in the chat's zone, dated when it is another day there", () => {
    const ban = { host: 'fapi.binance.com', until: T + 4 * HOUR, status: 418 as const };
    expect(renderStatus([], null, T, [ban])).toContain('418 IP banned until 16:00 UTC (4 h 0 min from now)');
    expect(renderStatus([], null, T, [ban], undefined, 'Asia/Tokyo')).toContain(
      '418 IP banned until 6 Jan 01:00 Asia/Tokyo',
    );
  });

  it("the notice of a chat lost gives since when in the reading chat's zone", () => {
    const news = { chatId: 5, since: T, refusal: { code: 403, description: 'Forbidden: bot was blocked by the user' } };
    expect(renderChatNotice(news, T, 'UTC')).toContain('(since 12:00 UTC)');
    expect(renderChatNotice(news, T, 'Asia/Tokyo')).toContain('(since 21:00 Asia/Tokyo)');
  });
});
