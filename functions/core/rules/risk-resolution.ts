import { type AccountRisk, ADL_QUANTILE_MAX, type AdlQuantile, marginRatioPct } from '../account-risk.js';
import { type Finding, type RiskRuleId, sideLabel } from '../alert.js';
import type { Position } from '../position.js';
import { ratioText } from './margin-ratio.js';
import { uniMmrText } from './uni-mmr.js';

/** What this cycle read of the source an alert is about: its account numbers, quantiles and legs. */
export interface RiskEvidence {
  risks: readonly AccountRisk[] | undefined;
  adl: readonly AdlQuantile[] | undefined;
  positions: readonly Position[] | undefined;
  /** The source's account read succeeded at its last try. */
  readOk: boolean;
}

/**
 * What the resolution of an account alert says: how things stand now (`Margin ratio is back to 58.2 %`,
 * `uniMMR is back to 1.62`, `Account status is NORMAL again`), not the last thing that was wrong. A
 * `risk-down` that ends while the read still fails (refused keys took over, or the rules changed) must
 * not read as a recovery.
 */
export function riskResolutionMessage(
  before: Finding & { rule: RiskRuleId },
  now: RiskEvidence,
  keysRefused: boolean,
): string {
  const { account, source, symbol } = before;
  switch (before.rule) {
    case 'margin-ratio': {
      const r = now.risks?.find((x) => x.kind === 'cross' && x.asset === symbol);
      const ratio = r?.kind === 'cross' ? marginRatioPct(r) : null;
      const name = symbol === null ? 'Margin ratio' : `${symbol} margin ratio`;
      if (ratio === null) return `Nothing is held on ${symbol === null ? '' : `${symbol} `}cross margin any more`;
      return Number.isFinite(ratio) ? `${name} is back to ${ratioText(ratio)}` : `${name}: the margin balance is gone`;
    }
    case 'uni-mmr': {
      const r = now.risks?.find((x) => x.kind === 'portfolio');
      const uni = r?.kind === 'portfolio' ? r.uniMMR : null;
      return uni === null ? 'uniMMR: no maintenance margin any more' : `uniMMR is back to ${uniMmrText(uni)}`;
    }
    case 'account-status': {
      const r = now.risks?.find((x) => x.kind === 'portfolio');
      if (r?.kind !== 'portfolio') return 'The account numbers no longer show a Portfolio Margin account';
      return r.accountStatus === 'NORMAL'
        ? 'Account status is NORMAL again'
        : `Account status is ${r.accountStatus.slice(0, 40)}`;
    }
    case 'adl-risk': {
      const leg = now.positions?.find(
        (p) => p.symbol === symbol && p.positionSide === before.positionSide && p.positionAmt !== 0,
      );
      const side = before.positionSide === 'BOTH' ? '' : (before.positionSide ?? '');
      if (!leg) return `${`${symbol ?? ''} ${side}`.trim()} is closed`;
      const q = now.adl?.find((x) => x.symbol === symbol && x.positionSide === leg.positionSide)?.quantile;
      return `${leg.symbol} ${sideLabel(leg.positionSide, leg.positionAmt)} is no longer at the top of the auto-deleveraging queue (quantile ${q ?? 'unknown'} of ${ADL_QUANTILE_MAX})`;
    }
    case 'risk-down': {
      const what = `The margin numbers of ${account} ${source}`;
      if (now.readOk) return `${what} can be read again`;
      return keysRefused
        ? `${what} still cannot be read: its key is refused (see that alert)`
        : `${what} still cannot be read, but are no longer reported as down under the rules in force`;
    }
  }
}
