import { createHash } from 'node:crypto';
import { type Alert, alertKey, type Notification } from '../alert.js';
import type { Digest } from '../digest.js';
import { alertOrigin, SEVERITY_MARK } from './alert-text.js';
import { escapeHtml as e } from './html.js';
import { ago } from './times.js';

/*
 * Messages a trader reads at a glance on a phone, in Telegram's HTML: severity first, then account and
 * source, symbol and side, then the numbers that matter. Every exchange- or user-supplied string is escaped.
 */

const KIND_WORD: Record<Notification['kind'], string> = {
  firing: '',
  escalated: ' · escalated',
  repeat: ' · still firing',
  resolved: '',
};

/** One alert: a heading line (severity, where) and a line of what. */
export function renderNotification(n: Notification, nowMs: number): string {
  const a = n.alert;
  if (a.status === 'resolved') {
    return `✅ <b>RESOLVED</b> · ${e(alertOrigin(a))}\n${e(a.message)} <i>(fired ${ago(nowMs - n.since)} ago)</i>`;
  }
  const kind = KIND_WORD[n.kind];
  const since = n.kind === 'repeat' ? ` <i>(for ${ago(nowMs - n.since)})</i>` : '';
  return `${SEVERITY_MARK[a.severity]} <b>${a.severity.toUpperCase()}</b>${kind} · ${e(alertOrigin(a))}\n${e(a.message)}${since}`;
}

/** What a queue message carries to a chat, as far as its text goes. */
export type MessageBody =
  | { kind: 'alerts'; at: number; notifications: readonly Notification[] }
  | { kind: 'digest'; at: number; digest: Digest };

export function renderDelivery(d: MessageBody): string {
  if (d.kind === 'digest') return renderDigest(d.digest, d.at);
  return d.notifications.map((n) => renderNotification(n, d.at)).join('\n\n');
}

export function renderDigest(digest: Digest, nowMs: number): string {
  const lines = ['📋 <b>Daily digest</b>'];
  for (const a of digest.accounts) {
    const last = a.lastCycleAt === null ? 'never checked' : `last check ${ago(nowMs - a.lastCycleAt)} ago`;
    const open = a.sources.reduce((n, s) => n + s.openPositions, 0);
    const down = a.sources.filter((s) => s.failures > 0).map((s) => s.source);
    lines.push(
      '',
      `<b>${e(a.account)}</b>: ${open} open position${open === 1 ? '' : 's'}, ${last}${down.length ? `; failing: ${e(down.join(', '))}` : ''}`,
    );
    if (a.firing.length === 0) lines.push('No alert firing.');
    for (const f of a.firing) lines.push(`${SEVERITY_MARK[f.severity]} ${e(f.message)}`);
  }
  lines.push('', '<i>Checks are running; silence means all is well.</i>');
  return lines.join('\n');
}

/** A short, stable reference to an alert that fits in a button's 64-byte callback data. */
export function alertRef(a: Pick<Alert, 'account' | 'source' | 'symbol' | 'positionSide' | 'rule'>): string {
  return createHash('sha256').update(alertKey(a)).digest('base64url').slice(0, 12);
}
