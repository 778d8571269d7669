import { createHash } from 'node:crypto';
import { type Alert, alertKey, type Finding, type Notification, type Severity, sideLabel } from '../alert.js';
import type { AccountState } from '../alerts.js';
import type { Digest } from '../digest.js';
import { isMuteActive, type Mute } from '../mutes.js';
import { compareByLiqDistance, liqDistancePct, type Position } from '../position.js';
import type { RuleSettings } from '../rules/settings.js';
import { alertOrigin } from './alert-text.js';
import { escapeHtml as e } from './html.js';
import { formatAmount, formatLeverage, formatPct, formatPnl, formatPrice } from './numbers.js';

/*
 * Messages a trader reads at a glance on a phone, in Telegram's HTML: severity first, then account and
 * source, symbol and side, then the numbers that matter. Every exchange- or user-supplied string is escaped.
 */

const SEVERITY_MARK: Record<Severity, string> = { critical: '🔴', warning: '🟠', info: '🔵' };
const KIND_WORD: Record<Notification['kind'], string> = {
  firing: '',
  escalated: ' · escalated',
  repeat: ' · still firing',
  resolved: '',
};

function ago(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} d`;
}

function clock(ms: number, timeZone = 'UTC'): string {
  return `${new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms)} ${timeZone === 'UTC' ? 'UTC' : ''}`.trim();
}

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

/** The liquidation-distance thresholds in force for a position (its account's, its symbol's). */
export type TiersOf = (p: Position) => { warningPct: number; criticalPct: number };

/** `/positions`: nearest to liquidation first, one block per leg, marked by the thresholds in force. */
export function renderPositions(
  positions: readonly Position[],
  failures: readonly string[],
  nowMs: number,
  tiersOf: TiersOf,
): string {
  const open = [...positions].filter((p) => p.positionAmt !== 0).sort(compareByLiqDistance);
  const blocks = open.map((p) => {
    const d = liqDistancePct(p);
    const t = tiersOf(p);
    const mark = d === null ? '⚪' : d <= t.criticalPct ? '🔴' : d <= t.warningPct ? '🟠' : '🟢';
    return [
      `${mark} <b>${e(p.symbol)}</b> ${sideLabel(p.positionSide, p.positionAmt)} ${formatAmount(Math.abs(p.positionAmt))} · ${e(p.account)} ${p.source}`,
      `mark ${formatPrice(p.markPrice)} · liq ${formatPrice(p.liquidationPrice)} · <b>${formatPct(d)}</b>`,
      `${formatLeverage(p.leverage)} · PnL ${formatPnl(p.unrealizedProfit)}`,
    ].join('\n');
  });
  const head = `📊 <b>${open.length} open position${open.length === 1 ? '' : 's'}</b> · ${clock(nowMs)}`;
  const tail = failures.map((f) => `⚠️ ${e(f)}`);
  return [head, ...(blocks.length ? blocks : ['No open positions.']), ...(tail.length ? [tail.join('\n')] : [])].join(
    '\n\n',
  );
}

/** `/alerts`: what is firing now, critical first. */
export function renderFiring(states: readonly AccountState[], mutes: readonly Mute[], nowMs: number): string {
  const firing: { f: Finding; since: number; key: string }[] = states.flatMap((s) =>
    Object.entries(s.alerts)
      .filter(([, a]) => a.alert.rule !== 'new-hedge-leg')
      .map(([key, a]) => ({ f: a.alert, since: a.since, key })),
  );
  const rank = { critical: 0, warning: 1, info: 2 };
  firing.sort((a, b) => rank[a.f.severity] - rank[b.f.severity] || a.since - b.since);
  const lines = firing.map(
    ({ f, since, key }) =>
      `${SEVERITY_MARK[f.severity]} ${e(alertOrigin(f))}: ${e(f.message)} <i>(${ago(nowMs - since)})</i>${mutes.some((m) => m.target === key) ? ' 🔇' : ''}`,
  );
  const active = mutes.filter((m) => isMuteActive(m, nowMs));
  const muteLines = active.map(
    (m) =>
      `🔇 ${m.scope === 'all' ? 'everything' : e(m.target ?? '')} ${m.until === null ? 'until resolved' : `until ${clock(m.until)}`}`,
  );
  return [
    firing.length ? `<b>${firing.length} alert${firing.length === 1 ? '' : 's'} firing</b>` : '✅ No alert firing.',
    ...lines,
    ...(muteLines.length ? ['', '<b>Mutes</b>', ...muteLines] : []),
  ].join('\n');
}

/** `/status`: the last check of each source, failures, weight used per host. */
export function renderStatus(
  states: readonly { account: string; state: AccountState | null; sources: readonly string[] }[],
  weight: { at: number; hosts: { host: string; usedWeight1m: number }[] } | null,
  nowMs: number,
): string {
  const lines = ['🩺 <b>Status</b>'];
  for (const { account, state, sources } of states) {
    lines.push(
      '',
      `<b>${e(account)}</b>${state?.lastCycleAt ? ` · checked ${ago(nowMs - state.lastCycleAt)} ago` : ' · not checked yet'}`,
    );
    for (const source of sources) {
      const h = state?.health[source as keyof AccountState['health']];
      if (!h) {
        lines.push(`⚪ ${source}: no check yet`);
      } else if (h.failures === 0) {
        lines.push(`🟢 ${source}: ok, ${h.openPositions} open`);
      } else {
        lines.push(
          `🔴 ${source}: failed ${h.failures}× in a row${h.lastOkAt ? `, last ok ${ago(nowMs - h.lastOkAt)} ago` : ''}\n   ${e(h.lastError?.message ?? '')}`,
        );
      }
    }
  }
  if (weight?.hosts.length) {
    lines.push('', '<b>Request weight used (1 min)</b>');
    for (const h of weight.hosts) lines.push(`${e(h.host)}: ${h.usedWeight1m}`);
  }
  return lines.join('\n');
}

/** `/rules`: the thresholds in force, per account where they differ. */
export function renderRules(perAccount: readonly { account: string; settings: RuleSettings }[]): string {
  const lines = ['📐 <b>Rules in force</b>'];
  for (const { account, settings: s } of perAccount) {
    lines.push('', `<b>${e(account)}</b>`);
    lines.push(
      s.liqDistance.enabled
        ? `Liquidation distance: warning ≤ ${s.liqDistance.warningPct}%, critical ≤ ${s.liqDistance.criticalPct}% (resolves ${s.liqDistance.resolveMarginPct} pt above)`
        : 'Liquidation distance: off',
    );
    for (const [symbol, t] of Object.entries(s.liqDistance.symbols)) {
      lines.push(
        `  ${e(symbol)}: warning ≤ ${t.warningPct ?? s.liqDistance.warningPct}%, critical ≤ ${t.criticalPct ?? s.liqDistance.criticalPct}%`,
      );
    }
    lines.push(s.leverageCap.enabled ? `Leverage cap: ${s.leverageCap.default}x` : 'Leverage cap: off');
    for (const [symbol, cap] of Object.entries(s.leverageCap.symbols)) lines.push(`  ${e(symbol)}: ${cap}x`);
    lines.push(`New hedge leg: ${s.newHedgeLeg.enabled ? 'on' : 'off'}`);
    lines.push(
      s.notionalCap.enabled
        ? `Notional near bracket max: ${s.notionalCap.warningPct}%`
        : 'Notional near bracket max: off',
    );
    lines.push(
      s.sourceDown.enabled ? `Source down: after ${s.sourceDown.afterFailures} failed checks` : 'Source down: off',
    );
    lines.push(`Repeat while firing: critical ${s.repeatMinutes.critical} min, warning ${s.repeatMinutes.warning} min`);
  }
  return lines.join('\n');
}

export const HELP_TEXT = [
  '<b>liqwatch</b> warns you before a position is liquidated.',
  '',
  '/positions [account|source|symbol] — open positions, nearest to liquidation first',
  '/alerts — alerts firing now, and mutes',
  '/status — last check of each source, failures, weight used',
  '/mute &lt;account|symbol|all&gt; &lt;duration&gt; — e.g. <code>/mute BTCUSDT 1h</code>',
  '/unmute [account|symbol|all] — lift mutes',
  '/rules — thresholds in force',
].join('\n');

/** A short, stable reference to an alert that fits in a button's 64-byte callback data. */
export function alertRef(a: Pick<Alert, 'account' | 'source' | 'symbol' | 'positionSide' | 'rule'>): string {
  return createHash('sha256').update(alertKey(a)).digest('base64url').slice(0, 12);
}
