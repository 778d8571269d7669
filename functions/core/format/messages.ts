import { createHash } from 'node:crypto';
import { type Alert, type AlertState, alertKey, type Finding, type Notification } from '../alert.js';
import type { Digest, DigestAccount } from '../digest.js';
import { alertOrigin, changeHeadline, SEVERITY_MARK } from './alert-text.js';
import { renderStanding } from './alerts-view.js';
import { escapeHtml as e } from './html.js';
import { riskLineHtml } from './risk-view.js';
import { type AccountStanding, sumStanding, verdictText } from './standing.js';
import { ago } from './times.js';

/*
 * Messages a trader reads at a glance on a phone, in Telegram's HTML: severity first, then account and
 * source, symbol and side, then the numbers that matter. Every exchange- or user-supplied string is escaped.
 */

/**
 * One alert: a heading line that leads with what changed (the severity of a new alert; `escalated`,
 * `still firing`, `deeper: 2.1 % from liquidation`, `eased to warning`, `LIQUIDATED`), then where, then
 * a line of what, and who acknowledged it when someone did (how long before, so no zone is needed).
 */
export function renderNotification(n: Notification, nowMs: number): string {
  const a = n.alert;
  if (n.kind === 'resolved') {
    return `✅ <b>RESOLVED</b> · ${e(alertOrigin(a))}\n${e(a.message)} <i>(fired ${ago(nowMs - n.since)} ago)</i>`;
  }
  const change = changeHeadline(n);
  // A new alert, an escalation or a repeat leads with its severity; the other kinds lead with the change.
  const lead =
    n.kind === 'firing' || n.kind === 'escalated' || n.kind === 'repeat'
      ? `<b>${a.severity.toUpperCase()}</b>${change ? ` · ${change}` : ''}`
      : `<b>${e(change)}</b>`;
  const since = n.kind === 'repeat' ? ` <i>(for ${ago(nowMs - n.since)})</i>` : '';
  const ack = n.ack ? `\n☑️ acknowledged by ${e(n.ack.by)} ${agoOrNow(nowMs - n.ack.at)}` : '';
  return `${SEVERITY_MARK[a.severity]} ${lead} · ${e(alertOrigin(a))}\n${e(a.message)}${since}${ack}`;
}

const agoOrNow = (ms: number) => (ms < 60_000 ? 'just now' : `${ago(ms)} ago`);

/** What a queue message carries to a chat, as far as its text goes. */
export type MessageBody =
  | { kind: 'alerts'; at: number; notifications: readonly Notification[] }
  | { kind: 'digest'; at: number; digest: Digest };

/** A queue message's text for the chat it goes to, its clock times in that chat's zone. */
export function renderDelivery(d: MessageBody, timeZone = 'UTC'): string {
  if (d.kind === 'digest') return renderDigest(d.digest, d.at, timeZone);
  return d.notifications.map((n) => renderNotification(n, d.at)).join('\n\n');
}

/**
 * A digest as the renderer reads it: each alert firing may carry how deep it went and who acknowledged it
 * (`Pick<AlertState, 'rung' | 'ack'>`), shown as `/alerts` shows them.
 */
export interface DigestView {
  accounts: readonly (Omit<DigestAccount, 'firing'> & {
    firing: readonly (Finding & Partial<Pick<AlertState, 'rung' | 'ack'>>)[];
  })[];
}

/**
 * The daily digest: per account what is open, whether the checks ran, its margin numbers as last read, and
 * each alert firing with its depth and acknowledgement (its time in the reader's zone).
 */
export function renderDigest(digest: DigestView, nowMs: number, timeZone = 'UTC'): string {
  const lines = ['📋 <b>Daily digest</b>'];
  for (const a of digest.accounts) {
    const last = a.lastCycleAt === null ? 'never checked' : `last check ${ago(nowMs - a.lastCycleAt)} ago`;
    const open = a.sources.reduce((n, s) => n + s.openPositions, 0);
    const down = a.sources.filter((s) => s.failures > 0).map((s) => s.source);
    lines.push(
      '',
      `<b>${e(a.account)}</b>: ${open} open position${open === 1 ? '' : 's'}, ${last}${down.length ? `; failing: ${e(down.join(', '))}` : ''}`,
    );
    for (const line of a.risks ?? []) lines.push(riskLineHtml(line, nowMs));
    if (a.firing.length === 0) lines.push('No alert firing.');
    for (const f of a.firing) {
      const standing = renderStanding(f, nowMs, timeZone);
      lines.push(`${SEVERITY_MARK[f.severity]} ${e(f.message)}${standing.depth}${standing.ack}`);
    }
  }
  const verdict = verdictText(digest.accounts.map(digestStanding));
  // "Silence means all is well" holds only while it is: otherwise the digest ends on what fails and fires.
  lines.push(
    '',
    verdict === 'all is well'
      ? '<i>Checks are running; silence means all is well.</i>'
      : `<i>${e(upperFirst(verdict))}.</i>`,
  );
  return lines.join('\n');
}

/**
 * The digest on one terminal line: `[DIGEST] all is well: 2 open position(s), no alert firing`, or what
 * fails and fires (`[DIGEST] 0 open position(s); needs attention: failing: main: usdm, coinm`).
 */
export function renderDigestLine(digest: DigestView): string {
  const standings = digest.accounts.map(digestStanding);
  const { open } = sumStanding(standings);
  const verdict = verdictText(standings);
  return verdict === 'all is well'
    ? `[DIGEST] all is well: ${open} open position(s), no alert firing`
    : `[DIGEST] ${open} open position(s); ${verdict}`;
}

/** A digest account as the verdict reads it. */
export function digestStanding(
  a: Pick<DigestAccount, 'account' | 'sources'> & { firing: readonly unknown[] },
): AccountStanding {
  return {
    account: a.account,
    sources: a.sources.map((s) => ({ source: s.source, failing: s.failures > 0, openPositions: s.openPositions })),
    firing: a.firing.length,
  };
}

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A short, stable reference to an alert that fits in a button's 64-byte callback data. */
export function alertRef(a: Pick<Alert, 'account' | 'source' | 'symbol' | 'positionSide' | 'rule'>): string {
  return createHash('sha256').update(alertKey(a)).digest('base64url').slice(0, 12);
}
