import type { AccountRead } from '#accounts/read-accounts.js';
import type { MarkTick } from '#binance/stream-events.js';
import { marginRatioPct } from '#core/account-risk.js';
import { alertKey } from '#core/alert.js';
import { isOpen, liqDistancePct, type Position, type SourceId } from '#core/position.js';
import { rungOf } from '#core/rules/liq-distance.js';
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

  /** Forgets the prices of a read: the read's own marks are newer. */
  clear(): void {
    this.#prices.clear();
  }
}

/**
 * An account's last read with each leg's mark price replaced by the latest tick. Only a read whose every
 * source answered can stand in for a new one (a failed source would count as failing again); its account
 * pages are left out, so their alerts are kept as they were until the next read. `null` when it cannot.
 */
export function readWithMarks(read: AccountRead, marks: Marks): AccountRead | null {
  if (!read.outcomes.every((o) => o.ok)) return null;
  return {
    account: read.account,
    risks: [],
    outcomes: read.outcomes.map((o) =>
      o.ok ? { ...o, ms: 0, positions: o.positions.map((p) => ({ ...p, markPrice: marks.of(p) ?? p.markPrice })) } : o,
    ),
  };
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
 * Where each open leg of a read stands by the liquidation-distance lines and ladder: a tick that changes
 * none of it is no news, and the watcher need not judge the account again before its next beat.
 */
export function standing(read: AccountRead, settings: RuleSettings): string {
  const parts: string[] = [];
  for (const o of read.outcomes) {
    if (!o.ok) continue;
    for (const p of o.positions) {
      const distance = isOpen(p) ? liqDistancePct(p) : null;
      if (distance === null) continue;
      const t = liqThresholds(settings, p.symbol);
      const tier = distance <= t.criticalPct ? 'critical' : distance <= t.warningPct ? 'warning' : 'clear';
      parts.push(
        `${alertKey({ ...p, rule: 'liq-distance' })}=${tier}/${rungOf(distance, ladderFor(settings, p.symbol))}`,
      );
    }
  }
  return parts.join(';');
}

/**
 * Whether any open leg of the reads is inside its warning band, or any account's margin ratio or uniMMR
 * is past its warning line: the moment to watch by the second.
 */
export function anyAtRisk(reads: readonly AccountRead[], settingsOf: (account: string) => RuleSettings): boolean {
  return reads.some((read) => {
    const s = settingsOf(read.account.name);
    if (/=(warning|critical)\//.test(standing(read, s))) return true;
    return read.risks.some(
      (o) =>
        o.ok &&
        o.risks.some((r) => {
          if (r.kind === 'portfolio') return r.uniMMR !== null && r.uniMMR <= s.uniMmr.warning;
          const ratio = marginRatioPct(r);
          return ratio !== null && ratio >= s.marginRatio.warningPct;
        }),
    );
  });
}
