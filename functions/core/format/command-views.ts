import { sideLabel } from '../alert.js';
import type { AccountState } from '../alerts.js';
import { compareByLiqDistance, liqDistancePct, type Position, type SourceId } from '../position.js';
import type { SourceHealth } from '../rules/source-down.js';
import type { WeightCapacity } from '../weight-capacity.js';
import { renderCapacityLine } from './capacity-line.js';
import { escapeHtml as e } from './html.js';
import { formatLegPnl, formatLegSize, formatLeverage, formatPct, formatPrice } from './numbers.js';
import { type ChatsStanding, renderReachabilityLines } from './reachability.js';
import type { RiskLineSettings } from './risk-lines.js';
import { type RiskLine, riskLineHtml, stateRiskLines } from './risk-view.js';
import { type AccountStanding, verdictText } from './standing.js';
import { ago, dayClock, zonedClock } from './times.js';

export { renderRules } from './rules-view.js';

/*
 * The answers to the bot's commands (/positions, /status, /help; /alerts in alerts-view.ts, /rules in rules-view.ts) in Telegram's HTML,
 * read at a glance on a phone. Every exchange- or user-supplied string is escaped.
 */

/** How much of a typed argument an answer quotes back. */
const QUOTED_ARG_CHARS = 40;

/**
 * A typed argument as an answer repeats it: on one line, cut at 40 characters (never inside a character)
 * with an ellipsis, so a 4,000-character argument cannot push the answer past Telegram's limit. The text
 * is raw: escape it for an HTML answer.
 */
export function capArg(text: string): string {
  const chars = Array.from(text.replace(/\s+/g, ' '));
  return chars.length > QUOTED_ARG_CHARS ? `${chars.slice(0, QUOTED_ARG_CHARS - 1).join('')}…` : chars.join('');
}

/** A typed argument in quotes, cut as `capArg` cuts it, for a plain-text answer. */
export const quoteArg = (text: string): string => `"${capArg(text)}"`;

/** The liquidation-distance thresholds in force for a position (its account's, its symbol's). */
export type TiersOf = (p: Position) => { warningPct: number; criticalPct: number };

/** What `/positions` shows: the legs read, each account's margin numbers, and the reads that failed. */
export interface PositionsRead {
  positions: readonly Position[];
  /** A line per account book (`risk-view.ts`): its margin numbers, or that they could not be read. */
  risks?: readonly RiskLine[] | undefined;
  /** The position reads that failed, a line each. */
  failures: readonly string[];
}

/**
 * `/positions`: each account's margin numbers first, then the legs nearest to liquidation first, one
 * block per leg, marked by the thresholds in force. `asked` is the symbol the positions were narrowed
 * to, with the nearest symbol held when it is not. The time of the read is in the reader's zone.
 */
export function renderPositions(
  read: PositionsRead,
  nowMs: number,
  tiersOf: TiersOf,
  asked?: { symbol: string; suggestion: string | null },
  timeZone = 'UTC',
): string {
  const { positions, failures } = read;
  const open = [...positions].filter((p) => p.positionAmt !== 0).sort(compareByLiqDistance);
  const blocks = open.map((p) => {
    const d = liqDistancePct(p);
    const t = tiersOf(p);
    const mark = d === null ? '⚪' : d <= t.criticalPct ? '🔴' : d <= t.warningPct ? '🟠' : '🟢';
    return [
      `${mark} <b>${e(p.symbol)}</b> ${sideLabel(p.positionSide, p.positionAmt)} ${formatLegSize(p)} · ${e(p.account)} ${p.source}`,
      `mark ${formatPrice(p.markPrice)} · liq ${formatPrice(p.liquidationPrice)} · <b>${formatPct(d)}</b>`,
      `${formatLeverage(p.leverage)} · PnL ${formatLegPnl(p)}`,
    ].join('\n');
  });
  const tail = failures.map((f) => `⚠️ ${e(f)}`);
  // A symbol asked for and not held: say that nothing matched, not "0 open positions".
  const head =
    asked && !open.length
      ? `🔎 Nothing matched "${e(capArg(asked.symbol))}": no open position in it · ${zonedClock(nowMs, timeZone)}${asked.suggestion ? `\nDid you mean <b>${e(asked.suggestion)}</b>?` : ''}`
      : `📊 <b>${open.length} open position${open.length === 1 ? '' : 's'}</b> · ${zonedClock(nowMs, timeZone)}`;
  const body = blocks.length ? blocks : asked ? [] : ['No open positions.'];
  const risks = (read.risks ?? []).map((line) => riskLineHtml(line, nowMs));
  return [head, ...(risks.length ? [risks.join('\n')] : []), ...body, ...(tail.length ? [tail.join('\n')] : [])].join(
    '\n\n',
  );
}

/** An account as `/status` shows it: its state as the check left it, its sources, the thresholds in force. */
export interface AccountStatus {
  account: string;
  state: AccountState | null;
  sources: readonly string[];
  settings: RiskLineSettings;
}

/**
 * `/status`: per account the last check, its margin numbers as last read, and each source's health beside
 * its account read's; then the weight used per host and, given `capacity`, the config's busiest minute
 * against its share of the limit, the hosts not called for a ban (until when, in the reader's zone), and
 * chats not reached.
 */
export function renderStatus(
  states: readonly AccountStatus[],
  weight: { at: number; hosts: { host: string; usedWeight1m: number }[] } | null,
  nowMs: number,
  bans: readonly { host: string; until: number; status: 418 | 429 }[] = [],
  chats: ChatsStanding = { unreachable: [], moves: [] },
  timeZone = 'UTC',
  capacity?: WeightCapacity,
): string {
  // The head says "all is well" only when every checked source answered and nothing fires.
  const lines = [`🩺 <b>Status</b> · ${e(verdictText(states.map(statusStanding)))}`];
  for (const { account, state, sources, settings } of states) {
    lines.push(
      '',
      `<b>${e(account)}</b>${state?.lastCycleAt ? ` · checked ${ago(nowMs - state.lastCycleAt)} ago` : ' · not checked yet'}`,
    );
    // A book whose account read fails says so in its source's lines below.
    const risks = stateRiskLines(state, settings).filter((line) => line.tier !== 'unread');
    for (const line of risks) lines.push(riskLineHtml(line, nowMs));
    for (const source of sources) lines.push(...sourceLines(source as SourceId, state, nowMs));
  }
  if (weight?.hosts.length) {
    lines.push('', '<b>Request weight used (1 min)</b>');
    for (const h of weight.hosts) lines.push(`${e(h.host)}: ${h.usedWeight1m}`);
  }
  if (capacity) lines.push('', `⚖️ ${renderCapacityLine(capacity)}`);
  if (bans.length) {
    lines.push('', '<b>Not called until the exchange allows</b>');
    for (const b of bans) {
      const why = b.status === 418 ? '418 IP banned' : '429 rate limited';
      lines.push(
        `⛔ ${e(b.host)}: ${why} until ${dayClock(b.until, nowMs, timeZone)} (${ago(b.until - nowMs)} from now)`,
      );
    }
  }
  lines.push(...renderReachabilityLines(chats, nowMs));
  return lines.join('\n');
}

/** An account's standing as the check left it: its checked sources, and its alerts firing. */
function statusStanding({ account, state, sources }: AccountStatus): AccountStanding {
  const checked = sources.flatMap((source) => {
    const h = state?.health[source as SourceId];
    return h ? [{ source: source as SourceId, failing: h.failures > 0, openPositions: h.openPositions }] : [];
  });
  return { account, sources: checked, firing: Object.keys(state?.alerts ?? {}).length };
}

/**
 * A source's health and, beside it, its account read's: ` · account numbers ok` after a good line, a line
 * of its own when that read fails (it fails apart from the positions).
 */
function sourceLines(source: SourceId, state: AccountState | null, nowMs: number): string[] {
  const h = state?.health[source];
  const r = state?.riskHealth?.[source];
  const numbersOk = r?.failures === 0;
  const head = !h
    ? `⚪ ${source}: no check yet${numbersOk ? ' · account numbers ok' : ''}`
    : h.failures === 0
      ? `🟢 ${source}: ok, ${h.openPositions} open${numbersOk ? ' · account numbers ok' : ''}`
      : `${failedLine(source, h, nowMs)}${numbersOk ? '\n   account numbers ok' : ''}`;
  return r && r.failures > 0 ? [head, failedLine(`${source} account numbers`, r, nowMs)] : [head];
}

function failedLine(what: string, h: Omit<SourceHealth, 'openPositions'>, nowMs: number): string {
  const lastOk = h.lastOkAt ? `, last ok ${ago(nowMs - h.lastOkAt)} ago` : '';
  return `🔴 ${what}: failed ${h.failures}× in a row${lastOk}\n   ${e(h.lastError?.message ?? '')}`;
}

export const HELP_TEXT = [
  '<b>liqwatch</b> warns you before a position is liquidated.',
  '',
  "/positions [account|source|symbol] — each account's margin numbers, then open positions nearest to liquidation first",
  '/alerts — alerts firing now, how deep, who acknowledged them, and mutes',
  '/status — margin numbers as last read, last check of each source, failures, weight used',
  '/mute &lt;account|symbol|all&gt; &lt;duration&gt; — e.g. <code>/mute BTCUSDT 1h</code>',
  '/unmute [account|symbol|all] — lift mutes',
  '/rules — thresholds in force',
  '',
  'Under a critical alert, Acknowledge slows its repeats; a new rung down is still told.',
].join('\n');
