import {
  LIQUIDATION_MARGIN_RATIO_PCT,
  LIQUIDATION_UNI_MMR,
  marginRatioLadder,
  uniMmrLadder,
} from '../rules/account-rule-settings.js';
import type { RuleSettings } from '../rules/settings.js';
import { escapeHtml as e } from './html.js';

/** `/rules`: the thresholds in force, per account where they differ: the position rules, then the account rules. */
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
    lines.push(...accountRuleLines(s));
    lines.push(`Repeat while firing: critical ${s.repeatMinutes.critical} min, warning ${s.repeatMinutes.warning} min`);
  }
  return lines.join('\n');
}

/**
 * The rules on a whole account's numbers: their lines, how far back a tier ends, and the ladder inside the
 * critical tier as it is in force (the exchange's liquidation line always its last rung). Their tiers end
 * after the same hold-down as the liquidation distance's, and `risk-down` follows `sourceDown`.
 */
function accountRuleLines(s: RuleSettings): string[] {
  const m = s.marginRatio;
  const u = s.uniMmr;
  const hold = `eases or resolves after ${s.liqDistance.holdDownMinutes} min clear`;
  return [
    ...(m.enabled
      ? [
          `Margin ratio (cross): warning ≥ ${m.warningPct}%, critical ≥ ${m.criticalPct}% (ends ${m.resolveMarginPct} pt under)`,
          `  deeper told at ${marginRatioLadder(s).join(', ')}% (the exchange liquidates at ${LIQUIDATION_MARGIN_RATIO_PCT}%); ${hold}`,
        ]
      : ['Margin ratio (cross): off']),
    ...(u.enabled
      ? [
          `uniMMR (Portfolio Margin): warning ≤ ${u.warning}, critical ≤ ${u.critical} (ends ${u.resolveMargin} above)`,
          `  deeper told at ${uniMmrLadder(s).join(', ')} (the exchange liquidates at ${LIQUIDATION_UNI_MMR}); ${hold}`,
        ]
      : ['uniMMR (Portfolio Margin): off']),
    `Account status (Portfolio Margin): ${s.accountStatus.enabled ? 'any status but NORMAL' : 'off'}`,
    s.adlRisk.enabled ? `ADL risk: a leg at quantile ${s.adlRisk.minQuantile} or more (4 is the top)` : 'ADL risk: off',
    s.sourceDown.enabled
      ? `Account numbers not read: after ${s.sourceDown.afterFailures} failed checks`
      : 'Account numbers not read: off',
  ];
}

/** A ladder as `/rules` says it: `5, 3, 2, 1% and past the liquidation price`. */
function ladderText(rungs: readonly number[]): string {
  const above = [...new Set(rungs)].filter((r) => r > 0).sort((a, b) => b - a);
  return `${above.length ? `${above.join(', ')}% and ` : ''}past the liquidation price`;
}
