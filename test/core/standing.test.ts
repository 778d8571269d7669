import { describe, expect, it } from 'vitest';
import { buildAlert } from '#builders/alert.js';
import type { AccountState } from '#core/alerts.js';
import { renderStatus } from '#core/format/command-views.js';
import { renderDigest, renderDigestLine } from '#core/format/messages.js';
import { failureLines, nothingRead } from '#core/format/standing.js';
import { resolveRuleSettings } from '#core/rules/settings.js';

/* "All is well" is said only while it is: a digest, a terminal line or /status never says it over failures. */

const T = Date.UTC(2026, 0, 5, 12, 0);
const source = (name: 'usdm' | 'coinm', failures: number) => ({
  source: name,
  failures,
  lastOkAt: failures ? null : T,
  openPositions: failures ? 0 : 1,
});
const digestOf = (failures: [number, number], firing = 0) => ({
  accounts: [
    {
      account: 'main',
      lastCycleAt: T,
      sources: [source('usdm', failures[0]), source('coinm', failures[1])],
      firing: Array.from({ length: firing }, () => buildAlert()),
    },
  ],
});

describe('the daily digest', () => {
  it.each([
    ['every source down', digestOf([3, 3]), 'Needs attention: failing: main: usdm, coinm.'],
    ['one source down', digestOf([0, 1]), 'Needs attention: failing: main: coinm.'],
    ['an alert firing', digestOf([0, 0], 1), 'Needs attention: 1 alert firing.'],
    ['all read, nothing firing', digestOf([0, 0]), 'Checks are running; silence means all is well.'],
  ])('%s: it ends on %j', (_, digest, last) => {
    const text = renderDigest(digest, T);
    expect(text.split('\n').at(-1)).toBe(`<i>${last}</i>`);
  });

  it('on a terminal line, says all is well only when it is', () => {
    expect(renderDigestLine(digestOf([3, 3]))).toBe(
      '[DIGEST] 0 open position(s); needs attention: failing: main: usdm, coinm',
    );
    expect(renderDigestLine(digestOf([0, 0], 2))).toBe('[DIGEST] 2 open position(s); needs attention: 2 alerts firing');
    expect(renderDigestLine(digestOf([0, 0]))).toBe('[DIGEST] all is well: 2 open position(s), no alert firing');
  });
});

describe('/status', () => {
  const health = (failures: number) => ({
    failures,
    lastCheckAt: T,
    lastOkAt: failures ? null : T,
    lastError: failures ? { kind: 'network', message: 'refused', exchangeCode: null, keysRefused: false } : null,
    openPositions: 0,
  });
  const status = (state: AccountState | null) =>
    renderStatus([{ account: 'main', state, sources: ['usdm'], settings: resolveRuleSettings() }], null, T).split(
      '\n',
    )[0];

  it('heads with what fails, all is well only when every checked source answered and nothing fires', () => {
    const state = (failures: number): AccountState => ({
      account: 'main',
      legs: {},
      health: { usdm: health(failures) },
      alerts: {},
      lastCycleAt: T,
    });
    expect(status(state(2))).toBe('🩺 <b>Status</b> · needs attention: failing: main: usdm');
    expect(status(state(0))).toBe('🩺 <b>Status</b> · all is well');
    expect(status(null)).toBe('🩺 <b>Status</b> · not checked yet');
  });
});

describe("a cycle's failures on a terminal", () => {
  it('say a cause shared by the sources of an account once, naming them', () => {
    const keys = 'account main: secret liqwatch/main: cannot be read (Region is missing)';
    const accounts = [
      {
        account: 'main',
        sources: [
          { source: 'usdm' as const, ok: false, error: keys },
          { source: 'coinm' as const, ok: false, error: keys },
        ],
      },
      {
        account: 'pm',
        sources: [{ source: 'pm-um' as const, ok: false, error: 'pm pm-um GET /papi/v1/um/positionRisk: HTTP 503' }],
      },
    ];
    expect(failureLines(accounts)).toEqual([
      `${keys} (nothing read on usdm, coinm)`,
      'pm pm-um GET /papi/v1/um/positionRisk: HTTP 503',
    ]);
    expect(nothingRead(accounts)).toBe(true);
    const oneRead = [...accounts, { account: 'b', sources: [{ source: 'usdm' as const, ok: true }] }];
    expect(nothingRead(oneRead)).toBe(false);
  });
});
