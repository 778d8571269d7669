/*
 * Settings of the rules about a whole account's margin (`margin-ratio`, `uni-mmr`, `account-status`,
 * `adl-risk`), merged into `RuleSettings` by `settings.ts`. Their tiers hold through
 * `liqDistance.holdDownMinutes`, and `risk-down` follows `sourceDown`, so one hold-down and one outage
 * rule are configured once.
 */

/** The exchange liquidates a cross account at this margin ratio, in %: always the ladder's last rung. */
export const LIQUIDATION_MARGIN_RATIO_PCT = 100;

/**
 * The exchange liquidates a Portfolio Margin account at or below this uniMMR, and once it has started a
 * deposit does not stop it: always the ladder's last rung. The exchange's table:
 * https://www.binance.com/en/support/faq/binance-portfolio-margin-pro-maintenance-margin-ratio-calculation-5e33af8e6ac04d57a1d0a3398e0a0752
 */
export const LIQUIDATION_UNI_MMR = 1.05;

/** At or below this uniMMR the exchange takes only orders that reduce positions (same table). */
export const REDUCE_ONLY_UNI_MMR = 1.2;

export interface AccountRuleSettings {
  /** A cross account's (or COIN-M margin asset's) maintenance margin ÷ margin balance, in %. */
  marginRatio: {
    enabled: boolean;
    warningPct: number;
    criticalPct: number;
    /** A tier ends only once the ratio is this many points below its line (and the hold-down passed). */
    resolveMarginPct: number;
    /** Rungs inside the critical tier, in %, each told at once when crossed upward (100: liquidation). */
    ladderPct: number[];
  };
  /** A Portfolio Margin account's unified maintenance margin ratio (equity ÷ maintenance margin). */
  uniMmr: {
    enabled: boolean;
    /** At or below: a warning (the exchange reminds at 1.5). */
    warning: number;
    /** At or below: critical (the exchange takes only reducing orders at 1.2). */
    critical: number;
    /** A tier ends only once the uniMMR is this far above its line (and the hold-down passed). */
    resolveMargin: number;
    /** Rungs inside the critical tier, each told at once when crossed downward (1.05: liquidation). */
    ladder: number[];
  };
  accountStatus: { enabled: boolean };
  /** A leg at or above this auto-deleveraging quantile warns (4 is the top of the queue). */
  adlRisk: { enabled: boolean; minQuantile: number };
}

/** The same, every field optional: the config's top-level rules or one account's. */
export interface AccountRulesInput {
  marginRatio?:
    | {
        enabled?: boolean | undefined;
        warningPct?: number | undefined;
        criticalPct?: number | undefined;
        resolveMarginPct?: number | undefined;
        ladderPct?: number[] | undefined;
      }
    | undefined;
  uniMmr?:
    | {
        enabled?: boolean | undefined;
        warning?: number | undefined;
        critical?: number | undefined;
        resolveMargin?: number | undefined;
        ladder?: number[] | undefined;
      }
    | undefined;
  accountStatus?: { enabled?: boolean | undefined } | undefined;
  adlRisk?: { enabled?: boolean | undefined; minQuantile?: number | undefined } | undefined;
}

export const DEFAULT_ACCOUNT_RULES: AccountRuleSettings = {
  // README "Rules and their defaults": at 70 % 30 % of the margin balance is above the maintenance
  // margin, at 85 % 15 %; the ratio climbs fastest at the end, so the ladder's rungs are close.
  marginRatio: { enabled: true, warningPct: 70, criticalPct: 85, resolveMarginPct: 5, ladderPct: [90, 95, 100] },
  // The exchange's own ladder: a reminder at 1.5, reduce-only at 1.2, liquidation at 1.05. At 1.2 the
  // equity is 12.5 % above the liquidation line; 1.1 marks the last 4.5 %.
  uniMmr: { enabled: true, warning: 1.5, critical: 1.2, resolveMargin: 0.05, ladder: [1.1, 1.05] },
  accountStatus: { enabled: true },
  adlRisk: { enabled: true, minQuantile: 4 },
};

/** The margin-ratio ladder, deepest (highest) last: 100 % always, rungs at or below the critical line left out. */
export function marginRatioLadder(s: Pick<AccountRuleSettings, 'marginRatio'>): number[] {
  const { ladderPct, criticalPct } = s.marginRatio;
  return [...new Set([...ladderPct, LIQUIDATION_MARGIN_RATIO_PCT])]
    .filter((r) => r > criticalPct)
    .sort((a, b) => a - b);
}

/** The uniMMR ladder, deepest (lowest) last: 1.05 always, rungs at or above the critical line left out. */
export function uniMmrLadder(s: Pick<AccountRuleSettings, 'uniMmr'>): number[] {
  const { ladder, critical } = s.uniMmr;
  return [...new Set([...ladder, LIQUIDATION_UNI_MMR])].filter((r) => r < critical).sort((a, b) => b - a);
}

/** A critical line on the safe side of its warning line: the critical tier could never come first. */
export function accountRuleProblems(s: AccountRuleSettings): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const { warningPct, criticalPct } = s.marginRatio;
  if (criticalPct <= warningPct) {
    problems.push({
      path: ['marginRatio'],
      message: `criticalPct (${criticalPct}) must be above warningPct (${warningPct}): the margin ratio climbs toward liquidation at 100 %`,
    });
  }
  const { warning, critical } = s.uniMmr;
  if (critical >= warning) {
    problems.push({
      path: ['uniMmr'],
      message: `critical (${critical}) must be below warning (${warning}): the uniMMR falls toward liquidation at 1.05`,
    });
  }
  return problems;
}
