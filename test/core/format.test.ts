import { describe, expect, it } from 'vitest';
import { buildAlert } from '#builders/alert.js';
import { atDistance, buildPosition } from '#builders/position.js';
import { type AlertState, type Notification, RULE_IDS, type RuleId } from '#core/alert.js';
import type { AccountState } from '#core/alerts.js';
import { closedWhileCritical, type ForceOrder } from '#core/force-order.js';
import { depthText, notificationJson, renderAlertLine } from '#core/format/alert-text.js';
import { renderFiring } from '#core/format/alerts-view.js';
import { renderPositions, renderRules } from '#core/format/command-views.js';
import { escapeHtml, htmlToPlainText, splitMessage, TELEGRAM_MESSAGE_LIMIT } from '#core/format/html.js';
import { alertRef, renderDigest, renderNotification } from '#core/format/messages.js';
import { htmlToTerminal } from '#core/format/terminal.js';
import { resolveRuleSettings } from '#core/rules/settings.js';

const T = Date.UTC(2026, 0, 5, 12, 0);
const HOUR = 3_600_000;
const DEFAULT_TIERS = () => ({ warningPct: 15, criticalPct: 7.5 });

describe('HTML for Telegram', () => {
  it('escapes what Telegram requires', () => {
    expect(escapeHtml('A<B & "C">')).toBe('A&lt;B &amp; &quot;C&quot;&gt;');
  });

  it('splits on line boundaries under the limit and loses nothing', () => {
    const blocks = Array.from({ length: 300 }, (_, i) => `<b>block ${i}</b>\nline two of ${i}`);
    const text = blocks.join('\n\n');
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      // Telegram counts the text it shows, not the tags around it.
      expect(htmlToPlainText(p).length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
      expect(p.split('<b>').length).toBe(p.split('</b>').length);
    }
    expect(parts.join('\n\n')).toBe(text);
  });

  it('a message under the limit stays whole', () => {
    expect(splitMessage('short')).toEqual(['short']);
  });
});

describe('messages', () => {
  const n = (over: Partial<Notification['alert']>, kind: Notification['kind'] = 'firing'): Notification => ({
    kind,
    since: T - 25 * 60_000,
    alert: buildAlert(over),
  });

  it('an alert says severity first, then where, then what; exchange strings are escaped', () => {
    const text = renderNotification(n({ account: 'a<b>&c', message: 'X<Y & Z' }), T);
    expect(text.startsWith('🔴 <b>CRITICAL</b> · a&lt;b&gt;&amp;c usdm')).toBe(true);
    expect(text).toContain('X&lt;Y &amp; Z');
  });

  it('a repeat says for how long; a resolution says it is resolved', () => {
    expect(renderNotification(n({}, 'repeat'), T)).toContain('still firing');
    expect(renderNotification(n({}, 'repeat'), T)).toContain('for 25 min');
    expect(renderNotification(n({ status: 'resolved' }, 'resolved'), T)).toMatch(/^✅ <b>RESOLVED<\/b>/);
  });

  it('60 positions split into several messages, nearest to liquidation first', () => {
    const positions = Array.from({ length: 60 }, (_, i) =>
      atDistance(5 + i, { symbol: `COIN${String(i).padStart(2, '0')}USDT` }),
    );
    const text = renderPositions({ positions: positions.reverse(), failures: [] }, T, DEFAULT_TIERS);
    const parts = splitMessage(text, 1500);
    expect(parts.length).toBeGreaterThan(1);
    expect(text.indexOf('COIN00USDT')).toBeLessThan(text.indexOf('COIN59USDT'));
  });

  it('a position shows mark, liquidation, distance, leverage, size and PnL', () => {
    const text = htmlToTerminal(
      renderPositions({ positions: [buildPosition({ unrealizedProfit: -12.5 })], failures: [] }, T, DEFAULT_TIERS),
      false,
    );
    expect(text).toContain('BTCUSDT LONG 0.1 · main usdm');
    expect(text).toContain('mark 50000 · liq 40000 · 20.0%');
    expect(text).toContain('10x · PnL -12.50');
  });

  it('alert references fit a button and tell alerts apart', () => {
    const a = alertRef(n({}).alert);
    expect(a).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(alertRef(n({ symbol: 'ETHUSDT' }).alert)).not.toBe(a);
  });
});

describe('each kind of notification leads with what changed', () => {
  const n = (
    kind: Notification['kind'],
    over: Partial<Notification['alert']> & Pick<Notification, 'closure'> = {},
  ): Notification => {
    const { closure, ...alert } = over;
    return { kind, since: T - 25 * 60_000, alert: buildAlert(alert), ...(closure ? { closure } : {}) };
  };
  /** What the lifecycle writes for a leg that closed while critical, given the force orders read. */
  const closed = (evidence: ForceOrder[] | { error: string }) =>
    closedWhileCritical({ alert: buildAlert({ positionSide: 'LONG' }), since: T - HOUR, told: {} }, { usdm: evidence });
  const order = (type: ForceOrder['type']): ForceOrder => ({
    source: 'usdm',
    symbol: 'BTCUSDT',
    positionSide: 'LONG',
    side: 'SELL',
    price: 48_000,
    qty: 0.5,
    time: T - 60_000,
    type,
  });

  it.each([
    ['firing', {}, '🔴 <b>CRITICAL</b> · main usdm\n'],
    ['escalated', {}, '🔴 <b>CRITICAL</b> · escalated · main usdm\n'],
    ['repeat', {}, '🔴 <b>CRITICAL</b> · still firing · main usdm\n'],
    ['deepened', { value: 2.1, threshold: 3 }, '🔴 <b>deeper: 2.1 % from liquidation</b> · main usdm\n'],
    ['deepened', { value: -0.4, threshold: 0 }, '🔴 <b>deeper: past the liquidation price</b> · main usdm\n'],
    ['eased', { severity: 'warning' as const, value: 9 }, '🟠 <b>eased to warning</b> · main usdm\n'],
    ['liquidated', closed([order('LIQUIDATION')]), '🔴 <b>LIQUIDATED</b> · main usdm\n'],
    ['liquidated', closed([order('ADL')]), '🔴 <b>AUTO-DELEVERAGED</b> · main usdm\n'],
    ['liquidated', closed({ error: 'HTTP 503' }), '🔴 <b>CLOSED WHILE CRITICAL</b> · main usdm\n'],
    ['resolved', { status: 'resolved' as const }, '✅ <b>RESOLVED</b> · main usdm\n'],
  ] as const)('%s %o', (kind, over, heading) => {
    expect(renderNotification(n(kind, over), T).startsWith(heading)).toBe(true);
  });

  it('a liquidation says the price and quantity the force orders give', () => {
    expect(renderNotification(n('liquidated', closed([order('LIQUIDATION')])), T)).toContain(
      'BTCUSDT LONG LIQUIDATED: 0.5 at 48000',
    );
  });

  it('says who acknowledged, escaped, and when', () => {
    const acked = { ...n('deepened', { value: 2.1, threshold: 3 }), ack: { by: '@a<b>&c', at: T - 5 * 60_000 } };
    expect(renderNotification(acked, T)).toContain('\n☑️ acknowledged by @a&lt;b&gt;&amp;c 5 min ago');
    expect(renderNotification({ ...acked, ack: { by: 'Ann', at: T - 10_000 } }, T)).toContain(
      'acknowledged by Ann just now',
    );
  });

  it.each([
    ['firing', {}, '[CRITICAL] main usdm: '],
    ['deepened', { value: 2.1, threshold: 3 }, '[CRITICAL] DEEPER: 2.1 % FROM LIQUIDATION main usdm: '],
    ['eased', { severity: 'warning' as const }, '[WARNING] EASED TO WARNING main usdm: '],
    ['liquidated', closed([order('LIQUIDATION')]), '[CRITICAL] LIQUIDATED main usdm: '],
    ['resolved', { status: 'resolved' as const }, '[OK] RESOLVED main usdm: '],
  ] as const)('a terminal line of %s leads the same way', (kind, over, start) => {
    expect(renderAlertLine(n(kind, over)).startsWith(start)).toBe(true);
  });

  it('the --json line is the alert object plus its kind and since', () => {
    const line = notificationJson({ ...n('deepened', { value: 2.1, threshold: 3 }), ack: { by: 'Ann', at: T } });
    expect(line).toEqual({ ...buildAlert({ value: 2.1, threshold: 3 }), kind: 'deepened', since: T - 25 * 60_000 });
    expect(Object.keys(line).slice(-2)).toEqual(['kind', 'since']);
  });

  it('a liquidated --json line says what closed the leg', () => {
    expect(notificationJson(n('liquidated', closed([order('ADL')])))).toMatchObject({
      kind: 'liquidated',
      closure: 'adl',
    });
  });

  it("the headline follows what closed the leg, not the words of the alert's message", () => {
    // A symbol or an error text may say anything; the force orders decide.
    const said = { message: 'X closed while critical: auto-deleverage' };
    expect(renderAlertLine(n('liquidated', { ...said, closure: 'liquidation' }))).toMatch(/^\[CRITICAL\] LIQUIDATED /);
    expect(renderAlertLine(n('liquidated', { ...said, closure: 'adl' }))).toMatch(/^\[CRITICAL\] AUTO-DELEVERAGED /);
  });
});

describe('/alerts', () => {
  const state = (alerts: Record<string, AlertState>): AccountState => ({
    account: 'main',
    legs: {},
    health: {},
    alerts,
    lastCycleAt: T,
  });

  it("shows how deep each alert went and who acknowledged it when, in the reader's zone", () => {
    // Prepare: BTC under the 3 % rung, acknowledged the day before in Tokyo; ETH past its liquidation price.
    const btc = {
      alert: buildAlert({ value: 2.5 }),
      since: T - HOUR,
      told: {},
      rung: 3,
      ack: { by: '@x<y', at: T - 30 * HOUR },
    };
    const eth = { alert: buildAlert({ symbol: 'ETHUSDT', value: -1 }), since: T - HOUR, told: {}, rung: 0 };
    const warn = { alert: buildAlert({ symbol: 'SOLUSDT', severity: 'warning', value: 12 }), since: T, told: {} };
    // Act
    const text = renderFiring([state({ b: btc, e: eth, w: warn })], [], T, { chatId: 1, timeZone: 'Asia/Tokyo' });
    // Assess
    const lines = text.split('\n');
    expect(lines[0]).toBe('<b>3 alerts firing</b>');
    expect(lines[1]).toMatch(/BTCUSDT LONG is 6\.6% from liquidation <i>\(1 h 0 min\)<\/i> · ⬇️ under 3 %$/);
    expect(lines[2]).toBe('   ☑️ acknowledged by @x&lt;y at 4 Jan 15:00 Asia/Tokyo');
    expect(lines[3]).toContain('⬇️ past the liquidation price');
    expect(lines[4]).not.toMatch(/⬇️|acknowledged/);
  });
});

describe('depth in the terms of its rule', () => {
  const firing = (rule: RuleId, rung: number, message: string): AlertState => ({
    alert: buildAlert({ rule, message, symbol: null, positionSide: null }),
    since: T - HOUR,
    told: {},
    rung,
  });

  it('/alerts says a margin-ratio alert is over its rung and a uniMMR alert under it, not "under 90 %"', () => {
    const state: AccountState = {
      account: 'main',
      legs: {},
      health: {},
      alerts: {
        m: firing('margin-ratio', 90, 'margin ratio 91 %'),
        u: { ...firing('uni-mmr', 1.1, 'uniMMR 1.08'), since: T - 2 * HOUR },
      },
      lastCycleAt: T,
    };
    const text = renderFiring([state], [], T, { chatId: 1, timeZone: 'UTC' });
    expect(text).toContain('uniMMR 1.08 <i>(2 h 0 min)</i> · ⬇️ uniMMR 1.1 or less');
    expect(text).toContain('margin ratio 91 % <i>(1 h 0 min)</i> · ⬇️ margin ratio 90 % or more');
    expect(text).not.toMatch(/under 90|under 1\.1/);
  });

  it('the digest says it so too', () => {
    const alert = { ...buildAlert({ rule: 'account-status', message: 'pm is being liquidated' }), rung: 5 };
    const text = renderDigest({ accounts: [{ account: 'pm', lastCycleAt: T, sources: [], firing: [alert] }] }, T);
    expect(text).toContain('🔴 pm is being liquidated · ⬇️ FORCE_LIQUIDATION');
  });

  it.each(RULE_IDS.map((rule) => [rule]))('%s: a rung reads in its terms, and no rung reads nothing', (rule) => {
    const said: Partial<Record<RuleId, [number, string][]>> = {
      'liq-distance': [
        [3, 'under 3 %'],
        [0, 'past the liquidation price'],
      ],
      'margin-ratio': [
        [95, 'margin ratio 95 % or more'],
        [100, 'margin ratio at the liquidation line'],
      ],
      'uni-mmr': [
        [1.1, 'uniMMR 1.1 or less'],
        [1.05, 'uniMMR at the liquidation line'],
      ],
      'account-status': [
        [3, 'REDUCE_ONLY'],
        [6, 'BANKRUPTED'],
      ],
    };
    // A rule without a ladder never holds a rung; if one came, it would say nothing rather than a distance.
    for (const [rung, text] of said[rule] ?? [[3, '']]) expect(depthText(rung, rule)).toBe(text);
    expect(depthText(null, rule)).toBe('');
    expect(depthText(undefined, rule)).toBe('');
  });
});

describe('the daily digest', () => {
  it('shows each alert firing with how deep it went and who acknowledged it', () => {
    const text = renderDigest(
      {
        accounts: [
          {
            account: 'main',
            lastCycleAt: T - 60_000,
            sources: [{ source: 'usdm', failures: 0, lastOkAt: T, openPositions: 2 }],
            firing: [
              { ...buildAlert({ value: 2.5 }), rung: 3, ack: { by: 'Ann & co', at: T - 2 * HOUR } },
              buildAlert({ symbol: 'ETHUSDT', severity: 'warning', message: 'ETHUSDT LONG is 12% from liquidation' }),
            ],
          },
        ],
      },
      T,
    );
    expect(text).toContain(
      '🔴 BTCUSDT LONG is 6.6% from liquidation · ⬇️ under 3 %\n   ☑️ acknowledged by Ann &amp; co at 10:00 UTC',
    );
    expect(text).toMatch(/🟠 ETHUSDT LONG is 12% from liquidation$/m);
  });
});

describe('/rules', () => {
  it('states the ladder, the hold-down, the repeats by depth and the approach rule in force', () => {
    const settings = resolveRuleSettings({ liqDistance: { symbols: { BTCUSDT: { ladderPct: [4, 2] } } } });
    const text = renderRules([{ account: 'main', settings }]);
    expect(text).toContain(
      'deeper told at 5, 3, 2, 1% and past the liquidation price; eases or resolves after 30 min clear',
    );
    expect(text).toContain(
      'repeats under 7.5% every 30 min, under 3% every 10 min, under 1% every 2 min until acknowledged',
    );
    expect(text).toContain('BTCUSDT: warning ≤ 15%, critical ≤ 7.5%, deeper at 4, 2% and past the liquidation price');
    expect(text).toContain('Closing in fast: warns when the pace reaches critical within 10 min');
  });
});
