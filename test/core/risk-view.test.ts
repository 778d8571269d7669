import { describe, expect, it } from 'vitest';
import { atMarginRatio, buildCrossRisk, buildPmRisk, riskFailed, riskOk } from '#builders/account-risk.js';
import { buildPosition } from '#builders/position.js';
import { DeliverySchema } from '#contracts/queue-message.js';
import type { AccountState } from '#core/alerts.js';
import { renderPositions, renderRules, renderStatus } from '#core/format/command-views.js';
import { htmlToPlainText, splitMessage, TELEGRAM_MESSAGE_LIMIT } from '#core/format/html.js';
import { renderDigest } from '#core/format/messages.js';
import { accountRiskJson, readingLines, riskLineHtml, riskReadingOf, stateRiskLines } from '#core/format/risk-view.js';
import { resolveRuleSettings } from '#core/rules/settings.js';

/*
 * Each account's margin numbers in /positions, /status, the digest and /rules: a line per book, judged
 * by the account's thresholds, and a book whose numbers could not be read saying so.
 */

const T = Date.UTC(2026, 0, 5, 12, 0);
const MIN = 60_000;
const settings = resolveRuleSettings();
const TIERS = () => ({ warningPct: 15, criticalPct: 7.5 });
/** A usdm account read that failed with `message`. */
const failed = (message: string) => ({ source: 'usdm' as const, ok: false as const, error: { message } });

describe('a live read, book by book', () => {
  it('shows the USDⓈ-M account once though usdm and usdm-ws both answered', () => {
    const r = riskReadingOf(
      'main',
      ['usdm', 'usdm-ws'],
      [riskOk('usdm', [atMarginRatio(40)]), riskOk('usdm-ws', [atMarginRatio(40, { source: 'usdm-ws' })])],
    );
    expect(r.risks).toEqual([atMarginRatio(40)]);
    expect(r.unread).toEqual([]);
  });

  it('takes usdm-ws for a usdm that failed, and says nothing is missing', () => {
    const r = riskReadingOf(
      'main',
      ['usdm', 'usdm-ws'],
      [riskFailed('usdm'), riskOk('usdm-ws', [atMarginRatio(40, { source: 'usdm-ws' })])],
    );
    expect(r.risks).toEqual([atMarginRatio(40)]);
    expect(r.unread).toEqual([]);
  });

  it('a book none of whose sources answered is a line saying so, the error named once', () => {
    const r = riskReadingOf(
      'main',
      ['usdm', 'usdm-ws', 'coinm'],
      [
        { source: 'usdm', ok: false, error: { message: 'main usdm GET /fapi/v2/account: HTTP 503 code -1001 down' } },
        { source: 'usdm-ws', ok: false, error: { message: 'main usdm-ws ws v2/account.status: no answer' } },
        riskOk('coinm', []),
      ],
    );
    expect(readingLines(r, settings)).toEqual([
      { tier: 'empty', text: 'main coinm · nothing on margin' },
      { tier: 'unread', text: 'main usdm · account numbers not read: GET /fapi/v2/account: HTTP 503 code -1001 down' },
    ]);
  });

  it('each risk is judged by the thresholds given', () => {
    const r = riskReadingOf(
      'main',
      ['usdm', 'pm-um'],
      [riskOk('usdm', [atMarginRatio(80)]), riskOk('pm-um', [buildPmRisk()])],
    );
    const own = resolveRuleSettings({ marginRatio: { warningPct: 85, criticalPct: 90 } });
    expect(readingLines(r, settings).map((l) => l.tier)).toEqual(['warning', 'ok']);
    expect(readingLines(r, own).map((l) => l.tier)).toEqual(['ok', 'ok']);
  });
});

describe('the numbers the check kept', () => {
  const state = (over: Partial<AccountState>): AccountState => ({
    account: 'main',
    legs: {},
    health: {},
    alerts: {},
    lastCycleAt: T,
    ...over,
  });
  const ok = { failures: 0, lastCheckAt: T, lastOkAt: T, lastError: null };
  const failing = (failures: number, lastOkAt: number | null, message = 'HTTP 503') => ({
    failures,
    lastCheckAt: T,
    lastOkAt,
    lastError: { kind: 'exchange', message, exchangeCode: null, keysRefused: false },
  });

  it('read at the last check: no time said; read earlier (the read fails since): when', () => {
    const lines = stateRiskLines(
      state({
        risks: [
          atMarginRatio(50),
          buildCrossRisk({ source: 'coinm', asset: 'BTC', maintMargin: 0.01, marginBalance: 0.1 }),
        ],
        riskHealth: { usdm: failing(1, T - 5 * MIN), 'usdm-ws': failing(1, T - 5 * MIN), coinm: ok },
      }),
      settings,
    );
    expect(lines.map((l) => [l.text.split(' · ')[0], l.readAt])).toEqual([
      ['main usdm', T - 5 * MIN],
      ['main coinm BTC', undefined],
    ]);
    expect(riskLineHtml(lines[0]!, T)).toBe(
      '🟢 main usdm · margin ratio 50 % (ok) · equity 10,000 USDT · maint 5,000 USDT <i>(read 5 min ago)</i>',
    );
  });

  it('a usdm-ws that answered keeps the USDⓈ-M numbers fresh while usdm fails', () => {
    const lines = stateRiskLines(
      state({ risks: [atMarginRatio(50)], riskHealth: { usdm: failing(2, T - 2 * MIN), 'usdm-ws': ok } }),
      settings,
    );
    expect(lines[0]!.readAt).toBeUndefined();
  });

  it('a book never read, whose read fails, says it was not read; no state, no lines', () => {
    const lines = stateRiskLines(
      state({ risks: [], riskHealth: { 'pm-um': failing(3, null, 'main pm-um GET /papi/v1/account: HTTP 418') } }),
      settings,
    );
    expect(lines).toEqual([
      { tier: 'unread', text: 'main pm-um · account numbers not read: GET /papi/v1/account: HTTP 418' },
    ]);
    expect(stateRiskLines(null, settings)).toEqual([]);
  });
});

describe('/positions opens with the numbers', () => {
  it('after its heading and before the first leg, escaped, a failed read saying so', () => {
    const risks = [
      { tier: 'warning' as const, text: 'main usdm · margin ratio 80 % (warning)' },
      { tier: 'unread' as const, text: 'main coinm · account numbers not read: bad <b>&amp' },
    ];
    const text = renderPositions({ positions: [buildPosition()], risks, failures: [] }, T, TIERS);
    const [head, numbers, leg] = text.split('\n\n');
    expect(head).toMatch(/^📊 <b>1 open position<\/b>/);
    expect(numbers).toBe(
      '🟠 main usdm · margin ratio 80 % (warning)\n⚠️ main coinm · account numbers not read: bad &lt;b&gt;&amp;amp',
    );
    expect(leg).toMatch(/BTCUSDT/);
  });

  it('many books and legs split under the limit, the numbers first', () => {
    // 40 accounts whose account page answered with 280 characters of markup.
    const many = Array.from({ length: 40 }, (_, i) => {
      const [line] = readingLines(
        riskReadingOf(`a${i}`, ['usdm'], [failed(`a${i} usdm GET /fapi/v2/account: ${'<x>&'.repeat(70)}`)]),
        settings,
      );
      return line!;
    });
    const positions = Array.from({ length: 60 }, (_, i) => buildPosition({ symbol: `COIN${i}USDT` }));
    const parts = splitMessage(renderPositions({ positions, risks: many, failures: [] }, T, TIERS));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(htmlToPlainText(p).length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    const all = parts.join('\n');
    expect(all).toContain('⚠️ a0 usdm · account numbers not read: GET /fapi/v2/account: &lt;x&gt;&amp;');
    expect(all.indexOf('a39 usdm')).toBeLessThan(all.indexOf('COIN0USDT'));
  });
});

describe('/status', () => {
  it("shows each account's numbers and each source's account read beside its health, escaped", () => {
    const state: AccountState = {
      account: 'main',
      legs: {},
      health: {
        usdm: { failures: 0, lastCheckAt: T, lastOkAt: T, lastError: null, openPositions: 2 },
        coinm: { failures: 0, lastCheckAt: T, lastOkAt: T, lastError: null, openPositions: 1 },
      },
      alerts: {},
      lastCycleAt: T,
      risks: [atMarginRatio(80)],
      riskHealth: {
        usdm: { failures: 0, lastCheckAt: T, lastOkAt: T, lastError: null },
        coinm: {
          failures: 2,
          lastCheckAt: T,
          lastOkAt: T - 3 * MIN,
          lastError: {
            kind: 'malformed',
            message: 'main coinm GET /dapi/v1/account: <oops> & co',
            exchangeCode: null,
            keysRefused: false,
          },
        },
      },
    };
    const text = renderStatus([{ account: 'main', state, sources: ['usdm', 'coinm'], settings }], null, T);
    expect(text.split('\n').slice(3)).toEqual([
      '🟠 main usdm · margin ratio 80 % (warning) · equity 10,000 USDT · maint 8,000 USDT · add 1,429 USDT of margin, or reduce positions by 13 %, to be back under 70 %',
      '🟢 usdm: ok, 2 open · account numbers ok',
      '🟢 coinm: ok, 1 open',
      '🔴 coinm account numbers: failed 2× in a row, last ok 3 min ago',
      '   main coinm GET /dapi/v1/account: &lt;oops&gt; &amp; co',
    ]);
  });
});

describe('the daily digest', () => {
  const account = {
    account: 'main',
    lastCycleAt: T - MIN,
    sources: [{ source: 'usdm' as const, failures: 0, lastOkAt: T, openPositions: 2 }],
    firing: [],
  };

  it("lists each account's numbers under its heading, with when they were read if not lately", () => {
    const risks = [
      { tier: 'critical' as const, text: 'main usdm · margin ratio 90 % (critical) · <&>' },
      { tier: 'warning' as const, text: 'main pm · uniMMR 1.40 (warning)', readAt: T - 2 * 60 * MIN },
    ];
    const text = renderDigest({ accounts: [{ ...account, risks }] }, T);
    expect(text).toContain(
      '<b>main</b>: 2 open positions, last check 1 min ago\n🔴 main usdm · margin ratio 90 % (critical) · &lt;&amp;&gt;\n🟠 main pm · uniMMR 1.40 (warning) <i>(read 2 h 0 min ago)</i>\nNo alert firing.',
    );
  });

  it('travels the queue with the numbers, and one written before them still reads', () => {
    const digest = {
      accounts: [{ ...account, risks: [{ tier: 'unread', text: 'main usdm · account numbers not read: x' }] }],
    };
    const body = { id: 'digest-0001', kind: 'digest', chatId: 1, at: T, silent: true };
    expect(DeliverySchema.parse({ ...body, digest })).toMatchObject({ digest });
    const old = DeliverySchema.parse({ ...body, digest: { accounts: [account] } });
    expect(renderDigest(old.kind === 'digest' ? old.digest : { accounts: [] }, T)).toContain('No alert firing.');
  });
});

describe('/rules', () => {
  it('states the account rules: their lines, the ladder in force, and what the switches say', () => {
    const text = renderRules([
      { account: 'main', settings },
      {
        account: 'pm',
        settings: resolveRuleSettings({
          marginRatio: { enabled: false },
          uniMmr: { critical: 1.25, ladder: [1.15] },
          adlRisk: { minQuantile: 3 },
        }),
      },
    ]);
    const [main, pm] = text.split('<b>pm</b>');
    expect(main).toContain(
      'Margin ratio (cross): warning ≥ 70%, critical ≥ 85% (ends 5 pt under)\n  deeper told at 90, 95, 100% (the exchange liquidates at 100%); eases or resolves after 30 min clear',
    );
    expect(main).toContain(
      'uniMMR (Portfolio Margin): warning ≤ 1.5, critical ≤ 1.2 (ends 0.05 above)\n  deeper told at 1.1, 1.05 (the exchange liquidates at 1.05)',
    );
    expect(main).toContain('Account status (Portfolio Margin): any status but NORMAL');
    expect(main).toContain('ADL risk: a leg at quantile 4 or more (4 is the top)');
    expect(main).toContain('Account numbers not read: after 3 failed checks');
    expect(pm).toContain('Margin ratio (cross): off');
    expect(pm).toContain(
      'uniMMR (Portfolio Margin): warning ≤ 1.5, critical ≤ 1.25 (ends 0.05 above)\n  deeper told at 1.15, 1.05',
    );
    expect(pm).toContain('ADL risk: a leg at quantile 3 or more');
  });
});

describe('the account-risk contract of liqwatch positions --json', () => {
  it.each([
    ['a cross row adds its margin ratio', atMarginRatio(62.5), 62.5],
    ['nothing on cross margin has none', buildCrossRisk({ maintMargin: 0 }), null],
    ['a margin balance gone has no finite ratio', buildCrossRisk({ marginBalance: 0 }), null],
  ])('%s', (_, risk, ratio) => {
    const json = accountRiskJson(risk);
    expect(Object.keys(json)).toEqual([
      'kind',
      'account',
      'source',
      'asset',
      'maintMargin',
      'marginBalance',
      'walletBalance',
      'availableBalance',
      'marginRatioPct',
    ]);
    expect(json).toMatchObject({ marginRatioPct: ratio });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('a Portfolio Margin row is the contract as it is', () => {
    const risk = buildPmRisk({ uniMMR: 1.3, accountStatus: 'MARGIN_CALL' });
    expect(accountRiskJson(risk)).toEqual(risk);
    expect(Object.keys(accountRiskJson(risk))).toEqual(Object.keys(risk));
  });
});
