import { sideLabel } from '../alert.js';
import type { AccountState } from '../alerts.js';
import { compareByLiqDistance, liqDistancePct, type Position } from '../position.js';
import type { RuleSettings } from '../rules/settings.js';
import { escapeHtml as e } from './html.js';
import { formatAmount, formatLeverage, formatPct, formatPnl, formatPrice } from './numbers.js';
import { type ChatsStanding, renderReachabilityLines } from './reachability.js';
import { ago, clock } from './times.js';

/*
 * The answers to the bot's commands (/positions, /status, /rules, /help; /alerts in alerts-view.ts) in Telegram's HTML,
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

/**
 * `/positions`: nearest to liquidation first, one block per leg, marked by the thresholds in force.
 * `asked` is the symbol the positions were narrowed to, with the nearest symbol held when it is not.
 */
export function renderPositions(
  positions: readonly Position[],
  failures: readonly string[],
  nowMs: number,
  tiersOf: TiersOf,
  asked?: { symbol: string; suggestion: string | null },
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
  const tail = failures.map((f) => `⚠️ ${e(f)}`);
  // A symbol asked for and not held: say that nothing matched, not "0 open positions".
  const head =
    asked && !open.length
      ? `🔎 Nothing matched "${e(capArg(asked.symbol))}": no open position in it · ${clock(nowMs)}${asked.suggestion ? `\nDid you mean <b>${e(asked.suggestion)}</b>?` : ''}`
      : `📊 <b>${open.length} open position${open.length === 1 ? '' : 's'}</b> · ${clock(nowMs)}`;
  const body = blocks.length ? blocks : asked ? [] : ['No open positions.'];
  return [head, ...body, ...(tail.length ? [tail.join('\n')] : [])].join('\n\n');
}

/** `/status`: the last check of each source, failures, weight used per host, hosts not called for a ban. */
export function renderStatus(
  states: readonly { account: string; state: AccountState | null; sources: readonly string[] }[],
  weight: { at: number; hosts: { host: string; usedWeight1m: number }[] } | null,
  nowMs: number,
  bans: readonly { host: string; until: number; status: 418 | 429 }[] = [],
  chats: ChatsStanding = { unreachable: [], moves: [] },
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
  if (bans.length) {
    lines.push('', '<b>Not called until the exchange allows</b>');
    for (const b of bans) {
      const why = b.status === 418 ? '418 IP banned' : '429 rate limited';
      lines.push(`⛔ ${e(b.host)}: ${why} until ${clock(b.until)} (${ago(b.until - nowMs)} from now)`);
    }
  }
  lines.push(...renderReachabilityLines(chats, nowMs));
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
    if (s.liqDistance.enabled) {
      const depth = s.liqDistance.repeatByDepth.map((r) => `under ${r.belowPct}% every ${r.minutes} min`);
      lines.push(
        `  deeper told at ${ladderText(s.liqDistance.ladderPct)}; eases or resolves after ${s.liqDistance.holdDownMinutes} min clear`,
        ...(depth.length ? [`  repeats ${depth.join(', ')} until acknowledged`] : []),
      );
    }
    for (const [symbol, t] of Object.entries(s.liqDistance.symbols)) {
      lines.push(
        `  ${e(symbol)}: warning ≤ ${t.warningPct ?? s.liqDistance.warningPct}%, critical ≤ ${t.criticalPct ?? s.liqDistance.criticalPct}%${t.ladderPct ? `, deeper at ${ladderText(t.ladderPct)}` : ''}`,
      );
    }
    lines.push(
      s.approach.enabled
        ? `Closing in fast: warns when the pace reaches critical within ${s.approach.withinMinutes} min`
        : 'Closing in fast: off',
    );
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
    lines.push(`Keys refused: ${s.keysRefused.enabled ? 'on' : 'off'}`);
    lines.push(`Repeat while firing: critical ${s.repeatMinutes.critical} min, warning ${s.repeatMinutes.warning} min`);
  }
  return lines.join('\n');
}

/** A ladder as `/rules` says it: `5, 3, 2, 1% and past the liquidation price`. */
function ladderText(rungs: readonly number[]): string {
  const above = [...new Set(rungs)].filter((r) => r > 0).sort((a, b) => b - a);
  return `${above.length ? `${above.join(', ')}% and ` : ''}past the liquidation price`;
}

export const HELP_TEXT = [
  '<b>liqwatch</b> warns you before a position is liquidated.',
  '',
  '/positions [account|source|symbol] — open positions, nearest to liquidation first',
  '/alerts — alerts firing now, how deep, who acknowledged them, and mutes',
  '/status — last check of each source, failures, weight used',
  '/mute &lt;account|symbol|all&gt; &lt;duration&gt; — e.g. <code>/mute BTCUSDT 1h</code>',
  '/unmute [account|symbol|all] — lift mutes',
  '/rules — thresholds in force',
  '',
  'Under a critical alert, Acknowledge slows its repeats; a new rung down is still told.',
].join('\n');
