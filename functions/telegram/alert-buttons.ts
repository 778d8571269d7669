import { Markup } from 'telegraf';
import { encodeCallback } from '#contracts/callback-data.js';
import type { Delivery } from '#contracts/queue-message.js';
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
    const label = firing.length === 1 ? '' : ` ${n.alert.symbol ?? n.alert.source ?? n.alert.account}`;
    const ack = n.alert.severity === 'critical' && !n.ack;
    return [
      Markup.button.callback(`🔇${label} 1h`, encodeCallback({ kind: 'mute', muteFor: '1h', ref })),
      Markup.button.callback(`🔇${label} until resolved`, encodeCallback({ kind: 'mute', muteFor: 'res', ref })),
      ...(ack ? [Markup.button.callback(`☑️${label} Acknowledge`, encodeCallback({ kind: 'ack', ref }))] : []),
    ];
  });
  return Markup.inlineKeyboard(rows);
}
