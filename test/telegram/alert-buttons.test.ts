import { describe, expect, it } from 'vitest';
import { buildAlert } from '#builders/alert.js';
import type { Delivery } from '#contracts/queue-message.js';
import type { Alert } from '#core/alert.js';
import { alertButtons } from '#telegram/alert-buttons.js';

/** The rows' texts of a message holding these firing alerts. */
function rows(...alerts: Partial<Alert>[]): string[][] {
  const delivery: Delivery = {
    kind: 'alerts',
    id: 'delivery-1',
    chatId: 42,
    at: 0,
    silent: false,
    notifications: alerts.map((a) => ({ kind: 'firing', since: 0, alert: buildAlert({ status: 'firing', ...a }) })),
  };
  const keyboard = alertButtons(delivery)!.reply_markup.inline_keyboard;
  return keyboard.map((row) => row.map((b) => b.text));
}

describe('the buttons of a message with several alerts', () => {
  it('name each account-wide alert by its number, not by its source alone', () => {
    const account = { symbol: null, positionSide: null, source: 'pm-um' as const };
    expect(rows({ ...account, rule: 'uni-mmr' }, { ...account, rule: 'account-status' })).toEqual([
      ['🔇 uniMMR 1h', '🔇 uniMMR until resolved', '☑️ uniMMR Acknowledge'],
      ['🔇 status 1h', '🔇 status until resolved', '☑️ status Acknowledge'],
    ]);
  });

  it('name a COIN-M margin asset, and the side of a leg whose other side is in the message too', () => {
    const texts = rows(
      { rule: 'margin-ratio', symbol: 'BTC', positionSide: null, source: 'coinm', severity: 'warning' },
      { symbol: 'ETHUSDT', positionSide: 'LONG' },
      { symbol: 'ETHUSDT', positionSide: 'SHORT' },
      { symbol: 'BTCUSDT', positionSide: 'LONG' },
    ).map((r) => r[0]);
    expect(texts).toEqual(['🔇 BTC margin ratio 1h', '🔇 ETHUSDT LONG 1h', '🔇 ETHUSDT SHORT 1h', '🔇 BTCUSDT 1h']);
  });
});
