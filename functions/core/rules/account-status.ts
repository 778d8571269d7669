import type { AccountRisk } from '../account-risk.js';
import { type AlertState, alertKey, SEVERITY_RANK, type Severity } from '../alert.js';
import { holdTier } from './hold-down.js';
import type { Judged } from './liq-distance.js';
import type { RuleSettings } from './settings.js';
import { portfolioBase } from './uni-mmr.js';

/**
 * A Portfolio Margin account's `accountStatus`, from calm to gone; an alert's `value` is the status's
 * rank here (0 to 6). https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information
 */
export const ACCOUNT_STATUSES = [
  'NORMAL',
  'MARGIN_CALL',
  'SUPPLY_MARGIN',
  'REDUCE_ONLY',
  'ACTIVE_LIQUIDATION',
  'FORCE_LIQUIDATION',
  'BANKRUPTED',
] as const;

/** From this status on the account can no longer trade its way out: critical. */
const CRITICAL_FROM = ACCOUNT_STATUSES.indexOf('REDUCE_ONLY');

/** What each status means for the trader, in the words of the exchange's documents and FAQ. */
const MEANING: Record<(typeof ACCOUNT_STATUSES)[number], string> = {
  NORMAL: 'the account trades freely',
  MARGIN_CALL: 'margin call: the exchange asks for more margin',
  SUPPLY_MARGIN: 'second margin call: the exchange asks again for more margin',
  REDUCE_ONLY: 'reduce-only: the exchange takes only orders that reduce positions',
  ACTIVE_LIQUIDATION: 'the exchange is liquidating the account by hand',
  FORCE_LIQUIDATION: 'the exchange is liquidating the account; a deposit no longer stops it',
  BANKRUPTED: 'bankrupt: the equity is gone and the exchange may claim the loss',
};

/** A status's rank, 0 (NORMAL) to 6 (BANKRUPTED); `null` for a status the exchange's documents do not list. */
export function statusRank(status: string): number | null {
  const rank = (ACCOUNT_STATUSES as readonly string[]).indexOf(status);
  return rank < 0 ? null : rank;
}

/** The status of a rank, as the exchange writes it; `null` for none. */
export function statusOfRank(rank: number | null): string | null {
  return rank === null ? null : (ACCOUNT_STATUSES[rank] ?? null);
}

/**
 * `account-status`: any Portfolio Margin account status other than `NORMAL` fires at once with its
 * meaning in words: a warning for a margin call, critical from `REDUCE_ONLY` on; a status no document
 * lists is a warning that names it. Inside the critical tier each worse status is a rung, told at once.
 * The hold-down applies only to going quiet: once `NORMAL` again (or better), the tier ends after
 * `holdDownMinutes`, so a status flickering at a line does not flap.
 */
export function judgeAccountStatus(
  risks: readonly AccountRisk[],
  prev: Readonly<Record<string, AlertState>>,
  settings: Pick<RuleSettings, 'accountStatus' | 'liqDistance'>,
  nowMs: number,
): Judged[] {
  if (!settings.accountStatus.enabled) return [];
  const judged: Judged[] = [];
  for (const r of risks) {
    if (r.kind !== 'portfolio') continue;
    const base = portfolioBase('account-status', r);
    // A status from the exchange is quoted, never trusted to be short.
    const status = r.accountStatus.slice(0, 40);
    const rank = statusRank(status);
    const entered: Severity | null =
      rank === 0 ? null : rank === null ? 'warning' : rank >= CRITICAL_FROM ? 'critical' : 'warning';
    const { severity, hold } = holdTier({
      entered,
      clearOf: (tier) => entered === null || SEVERITY_RANK[entered] < SEVERITY_RANK[tier],
      before: prev[alertKey(base)],
      holdMs: settings.liqDistance.holdDownMinutes * 60_000,
      nowMs,
    });
    if (severity === null) continue;
    judged.push({
      finding: { ...base, severity, value: rank, threshold: null, message: statusMessage(status, rank) },
      tier: { hold, rung: severity === 'critical' && rank !== null && rank >= CRITICAL_FROM ? rank : null },
    });
  }
  return judged;
}

function statusMessage(status: string, rank: number | null): string {
  if (rank === 0) return 'Account status is NORMAL again';
  const meaning = rank === null ? null : MEANING[ACCOUNT_STATUSES[rank]!];
  return meaning
    ? `Account status ${status}: ${meaning}`
    : `Account status ${status}: a status the exchange's documents do not list; look at the account`;
}
