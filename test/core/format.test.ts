import { describe, expect, it } from 'vitest';
import { buildAlert } from '#builders/alert.js';
import { atDistance, buildPosition } from '#builders/position.js';
import type { Notification } from '#core/alert.js';
import { renderPositions } from '#core/format/command-views.js';
import { escapeHtml, htmlToPlainText, splitMessage, TELEGRAM_MESSAGE_LIMIT } from '#core/format/html.js';
import { alertRef, renderNotification } from '#core/format/messages.js';
import { htmlToTerminal } from '#core/format/terminal.js';

const T = Date.UTC(2026, 0, 5, 12, 0);
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
    const text = renderPositions(positions.reverse(), [], T, DEFAULT_TIERS);
    const parts = splitMessage(text, 1500);
    expect(parts.length).toBeGreaterThan(1);
    expect(text.indexOf('COIN00USDT')).toBeLessThan(text.indexOf('COIN59USDT'));
  });

  it('a position shows mark, liquidation, distance, leverage, size and PnL', () => {
    const text = htmlToTerminal(
      renderPositions([buildPosition({ unrealizedProfit: -12.5 })], [], T, DEFAULT_TIERS),
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
