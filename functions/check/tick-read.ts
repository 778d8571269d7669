import type { AccountRead, RiskRead } from '#accounts/read-accounts.js';
import type { MarkTick } from '#binance/stream-events.js';
import type { AccountRisk } from '#core/account-risk.js';
import { alertKey } from '#core/alert.js';
import { riskTier } from '#core/format/risk-lines.js';
import { isOpen, liqDistancePct, type Position, type SourceId } from '#core/position.js';
import { rungOf, tierFor } from '#core/rules/liq-distance.js';
import { ladderFor, liqThresholds, type RuleSettings } from '#core/rules/settings.js';

/*
 * Between two reads of the exchange, a leg's distance to liquidation is recomputed from the latest mark
 * price its market stream pushed, against the liquidation price last read: the same rules then judge it.
 */

export type Market = MarkTick['market'];

/** The market stream a source's legs are priced by: USDⓈ-M's for `usdm`, `usdm-ws` and `pm-um`, COIN-M's for `coinm` and `pm-cm`. */
export function marketOf(source: SourceId): Market {
  return source === 'coinm' || source === 'pm-cm' ? 'coinm' : 'usdm';
}

/** The latest mark price per market and symbol. */
export class Marks {
  readonly #prices = new Map<string, number>();

  set(tick: Pick<MarkTick, 'market' | 'symbol' | 'markPrice'>): void {
    this.#prices.set(`${tick.market}|${tick.symbol}`, tick.markPrice);
  }

  of(p: Pick<Position, 'source' | 'symbol'>): number | undefined {
    return this.#prices.get(`${marketOf(p.source)}|${p.symbol}`);
  }
}

/**
 * An account's last read with each leg's mark price replaced by the latest tick. Only a read whose every
 * source answered can stand in for a new one (a failed source would count as failing again). The account
 * pages last read (`risks`, which a watcher keeps between its lighter reads) come with it, their
 * USDⓈ-M and Portfolio Margin numbers moved by the ticks (`tickedRisk`); without them, their alerts are kept
 * as they were until the next read. `null` when it cannot stand in.
 */
export function readWithMarks(read: AccountRead, marks: Marks, risks: readonly RiskRead[] = []): AccountRead | null {
  if (!read.outcomes.every((o) => o.ok)) return null;
  const before = read.outcomes.flatMap((o) => (o.ok ? o.positions : []));
  return {
    account: read.account,
    risks: risks.map((o) => (o.ok ? { ...o, ms: 0, risks: o.risks.map((r) => tickedRisk(r, before, marks)) } : o)),
    outcomes: read.outcomes.map((o) =>
      o.ok ? { ...o, ms: 0, positions: o.positions.map((p) => ({ ...p, markPrice: marks.of(p) ?? p.markPrice })) } : o,
    ),
  };
}

/**
 * An account's numbers moved by the ticks since they were read, until the next read (seconds away): the
 * cross USDⓈ-M book's margin balance gains each cross leg's PnL change, and its maintenance margin follows
 * their notional; a Portfolio Margin account's equity and maintenance margin likewise by its UM legs (its
 * uniMMR with them). COIN-M numbers, in the coin, are left as read.
 */
export function tickedRisk(r: AccountRisk, positions: readonly Position[], marks: Marks): AccountRisk {
  const linear = (sources: readonly SourceId[]) =>
    positions.filter((p) => isOpen(p) && sources.includes(p.source) && (p.marginType ?? 'cross') === 'cross');
  const moved = (legs: readonly Position[]) => {
    let pnl = 0;
    let before = 0;
    let after = 0;
    for (const p of legs) {
      const mark = marks.of(p) ?? p.markPrice;
      pnl += p.positionAmt * (mark - p.markPrice);
      before += Math.abs(p.positionAmt) * p.markPrice;
      after += Math.abs(p.positionAmt) * mark;
    }
    return { pnl, scale: before > 0 ? after / before : 1 };
  };
  if (r.kind === 'cross') {
    if (r.asset !== null) return r;
    const { pnl, scale } = moved(linear(['usdm', 'usdm-ws']));
    return { ...r, marginBalance: r.marginBalance + pnl, maintMargin: r.maintMargin * scale };
  }
  const { pnl, scale } = moved(linear(['pm-um']));
  const accountEquity = r.accountEquity + pnl;
  const accountMaintMargin = r.accountMaintMargin * scale;
  const uniMMR = r.uniMMR === null || !(accountMaintMargin > 0) ? r.uniMMR : accountEquity / accountMaintMargin;
  return { ...r, accountEquity, actualEquity: r.actualEquity + pnl, accountMaintMargin, uniMMR };
}

/** The symbols an account's open legs hold, per market. */
export function heldSymbols(reads: readonly AccountRead[]): Record<Market, string[]> {
  const held = { usdm: new Set<string>(), coinm: new Set<string>() };
  for (const read of reads) {
    for (const o of read.outcomes) {
      if (o.ok) for (const p of o.positions) if (isOpen(p)) held[marketOf(p.source)].add(p.symbol);
    }
  }
  return { usdm: [...held.usdm].sort(), coinm: [...held.coinm].sort() };
}

/**
 * Where each open leg of a read stands by the liquidation-distance lines and ladder, and each account
 * number by its warning and critical lines: a tick that changes none of it is no news, and the watcher
 * need not judge the account again before its next beat.
 */
export function standing(read: AccountRead, settings: RuleSettings): string {
  const parts: string[] = [];
  for (const o of read.outcomes) {
    if (!o.ok) continue;
    for (const p of o.positions) {
      const distance = isOpen(p) ? liqDistancePct(p) : null;
      if (distance === null) continue;
      const tier = tierFor(distance, liqThresholds(settings, p.symbol), 0, null) ?? 'clear';
      parts.push(
        `${alertKey({ ...p, rule: 'liq-distance' })}=${tier}/${rungOf(distance, ladderFor(settings, p.symbol))}`,
      );
    }
  }
  for (const o of read.risks) {
    if (!o.ok) continue;
    for (const r of o.risks) parts.push(`${r.source}|${r.kind === 'cross' ? r.asset : 'pm'}=${riskTier(r, settings)}/`);
  }
  return parts.join(';');
}

/**
 * Whether any open leg of the reads is inside its warning band, or any account's margin ratio or uniMMR
 * is past its warning line: the moment to watch by the second.
 */
export function anyAtRisk(reads: readonly AccountRead[], settingsOf: (account: string) => RuleSettings): boolean {
  return reads.some((read) => /=(warning|critical)\//.test(standing(read, settingsOf(read.account.name))));
}
