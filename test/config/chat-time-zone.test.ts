import { describe, expect, it } from 'vitest';
import { problemsOf } from '#builders/config-text.js';
import { parseConfig } from '#config/load.js';
import { chatTimeZone } from '#config/routes.js';

/* A chat's one time zone: named, or taken from its quiet hours, the digest, or UTC; a bad name is refused. */

const ACCOUNT = { name: 'main', sources: ['usdm'], keysEnv: 'LIQWATCH_KEYS_MAIN' };
const configOf = (telegram: Record<string, unknown>) => parseConfig({ accounts: [ACCOUNT], telegram }, 'test');
const QUIET = { from: '23:00', to: '07:00' };

describe("a chat's time zone", () => {
  it.each([
    ['its own', { timeZone: 'Asia/Tokyo', quietHours: { ...QUIET, timeZone: 'Europe/Berlin' } }, 'Asia/Tokyo'],
    ["its quiet hours'", { quietHours: { ...QUIET, timeZone: 'Europe/Berlin' } }, 'Europe/Berlin'],
    ["the digest's", { quietHours: QUIET }, 'America/New_York'],
  ])('is %s when that is the first named', (_, chat, zone) => {
    const config = configOf({ chats: [{ id: 7, ...chat }], digest: { timeZone: 'America/New_York' } });
    expect(chatTimeZone(config, 7)).toBe(zone);
  });

  it("is the digest's for a chat listed only by id, else UTC", () => {
    expect(chatTimeZone(configOf({ chatIds: [7], digest: { timeZone: 'Europe/Berlin' } }), 7)).toBe('Europe/Berlin');
    expect(chatTimeZone(configOf({ chatIds: [7] }), 7)).toBe('UTC');
  });

  it('refuses a name that is no IANA zone, naming the field', () => {
    const text = JSON.stringify({ accounts: [ACCOUNT], telegram: { chats: [{ id: 7, timeZone: 'Mars/Olympus' }] } });
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^telegram\.chats\[0\]\.timeZone: an IANA time zone such as UTC or Europe\/Berlin/),
    ]);
  });
});
