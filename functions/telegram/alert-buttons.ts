import { Markup } from 'telegraf';
import { encodeCallback } from '#contracts/callback-data.js';
import type { Delivery } from '#contracts/queue-message.js';
import type { Alert, Notification } from '#core/alert.js';
import { alertRef } from '#core/format/messages.js';

const MAX_BUTTON_ROWS = 4;

/**
 * Buttons under the firing alerts of a message, one row per alert, at most a few rows: Mute 1h and Mute
 * until resolved, and Acknowledge beside them on a critical alert nobody has acknowledged yet. A
 * liquidation notice gets none: its leg is closed.
 */
export function alertButtons(d: Delivery): ReturnType<typeof Markup.inlineKeyboard> | undefined {
  if (d.kind !== 'alerts') return undefined;
  const firing = d.notifications.filter(
    (n) => n.alert.status === 'firing' && n.kind !== 'liquidated' && n.alert.rule !== 'new-hedge-leg',
  );
  if (firing.length === 0) return undefined;
  const rows = firing.slice(0, MAX_BUTTON_ROWS).map((n) => {
    const ref = alertRef(n.alert);
    const label = firing.length === 1 ? '' : ` ${buttonLabel(n.alert, firing)}`;
    const ack = n.alert.severity === 'critical' && !n.ack;
    return [
      Markup.button.callback(`🔇${label} 1h`, encodeCallback({ kind: 'mute', muteFor: '1h', ref })),
      Markup.button.callback(`🔇${label} until resolved`, encodeCallback({ kind: 'mute', muteFor: 'res', ref })),
      ...(ack ? [Markup.button.callback(`☑️${label} Acknowledge`, encodeCallback({ kind: 'ack', ref }))] : []),
    ];
  });
  return Markup.inlineKeyboard(rows);
}

/** Words for what an account-wide rule is about, where its alert has no symbol to name it by. */
const ACCOUNT_LABELS: Partial<Record<Alert['rule'], string>> = {
  'margin-ratio': 'margin ratio',
  'uni-mmr': 'uniMMR',
  'account-status': 'status',
};

/**
 * What a row of buttons names, when a message has several: the leg (its symbol, and its side where the
 * message holds the other side too), the account number (`margin ratio`, `BTC margin ratio`, `uniMMR`,
 * `status`), or else the source or account. Two rows never read the same for two alerts.
 */
function buttonLabel(a: Alert, all: readonly Notification[]): string {
  const rule = ACCOUNT_LABELS[a.rule];
  if (rule) return a.symbol ? `${a.symbol} ${rule}` : rule;
  if (a.symbol === null) return a.source ?? a.account;
  const sameSymbol = all.filter((n) => n.alert.symbol === a.symbol && !ACCOUNT_LABELS[n.alert.rule]);
  const sides = new Set(sameSymbol.map((n) => n.alert.positionSide));
  return sides.size > 1 && a.positionSide !== 'BOTH' ? `${a.symbol} ${a.positionSide}` : a.symbol;
}
