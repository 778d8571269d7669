import { type AccountRisk, marginRatioPct } from '../account-risk.js';
import type { Severity } from '../alert.js';
import {
  type AccountRuleSettings,
  LIQUIDATION_MARGIN_RATIO_PCT,
  LIQUIDATION_UNI_MMR,
} from '../rules/account-rule-settings.js';
import { ratioText } from '../rules/margin-ratio.js';
import { crossUnit, safeText } from '../rules/safe-margin.js';
import { uniMmrText } from '../rules/uni-mmr.js';
import { formatSum } from './numbers.js';

/*
 * One line per account risk for `/positions`, `/status`, the digest and `liqwatch positions`, in plain
 * text (a view escapes it for HTML): where, the ratio and its tier by the thresholds in force, equity and
 * maintenance margin, and, when not ok, what it takes to be safe.
 */

/** The thresholds a risk line is judged by: the account's rules in force. */
export type RiskLineSettings = Pick<AccountRuleSettings, 'marginRatio' | 'uniMmr'>;

/**
 * The tier a risk is in by the lines alone (a line view has no hysteresis): a margin ratio at or above
 * its warning or critical line, a uniMMR at or below its. Nothing on margin is ok.
 */
export function riskTier(risk: AccountRisk, s: RiskLineSettings): Severity | 'ok' {
  if (risk.kind === 'portfolio') {
    const u = risk.uniMMR;
    if (u === null) return 'ok';
    return u <= s.uniMmr.critical ? 'critical' : u <= s.uniMmr.warning ? 'warning' : 'ok';
  }
  const ratio = marginRatioPct(risk);
  if (ratio === null) return 'ok';
  return ratio >= s.marginRatio.criticalPct ? 'critical' : ratio >= s.marginRatio.warningPct ? 'warning' : 'ok';
}

/**
 * `main usdm · margin ratio 62.4 % (ok) · equity 10,230 USDT · maint 6,380 USDT`, or for Portfolio Margin
 * `main pm · uniMMR 1.34 (warning) · equity 52,100 USD · maint 38,900 USD · MARGIN_CALL`, then what it
 * takes to be safe when the tier is not ok.
 */
export function renderRiskLine(risk: AccountRisk, s: RiskLineSettings): string {
  const tier = riskTier(risk, s);
  const parts =
    risk.kind === 'portfolio'
      ? [
          `${risk.account} pm`,
          `uniMMR ${risk.uniMMR === null ? '—' : uniMmrText(risk.uniMMR)} (${tierWord(tier, risk.uniMMR !== null && risk.uniMMR <= LIQUIDATION_UNI_MMR)})`,
          `equity ${formatSum(risk.accountEquity)} USD`,
          `maint ${formatSum(risk.accountMaintMargin)} USD`,
          ...(risk.accountStatus === 'NORMAL' ? [] : [risk.accountStatus.slice(0, 40)]),
        ]
      : crossParts(risk, tier);
  const safe = tier === 'ok' ? null : safeText(risk, s);
  return [...parts, ...(safe ? [safe] : [])].join(' · ');
}

/** Every risk's line, in the order given. */
export function renderRiskLines(risks: readonly AccountRisk[], s: RiskLineSettings): string[] {
  return risks.map((r) => renderRiskLine(r, s));
}

function crossParts(risk: Extract<AccountRisk, { kind: 'cross' }>, tier: Severity | 'ok'): string[] {
  const ratio = marginRatioPct(risk);
  const unit = crossUnit(risk);
  const where = `${risk.account} ${risk.source}${risk.asset === null ? '' : ` ${risk.asset}`}`;
  const reading =
    ratio === null
      ? 'margin ratio — (nothing on cross margin)'
      : Number.isFinite(ratio)
        ? `margin ratio ${ratioText(ratio)} (${tierWord(tier, ratio >= LIQUIDATION_MARGIN_RATIO_PCT)})`
        : `margin balance gone (${tierWord(tier, true)})`;
  return [
    where,
    reading,
    `equity ${formatSum(risk.marginBalance)} ${unit}`,
    `maint ${formatSum(risk.maintMargin)} ${unit}`,
  ];
}

/** A tier as a line says it; at the exchange's liquidation line, `liquidation`. */
function tierWord(tier: Severity | 'ok', liquidating: boolean): string {
  return liquidating ? 'liquidation' : tier;
}
