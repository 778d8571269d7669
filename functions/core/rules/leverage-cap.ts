import { type Finding, sideLabel } from '../alert.js';
import { isOpen, type Position } from '../position.js';
import { leverageCapFor, type RuleSettings } from './settings.js';

/** `leverage-cap`: an open leg whose leverage is above the cap (the default, or the symbol's own). */
export function evaluateLeverageCap(positions: readonly Position[], settings: RuleSettings): Finding[] {
  if (!settings.leverageCap.enabled) return [];
  return positions
    .filter((p) => isOpen(p) && p.leverage > leverageCapFor(settings, p.symbol))
    .map((p) => {
      const cap = leverageCapFor(settings, p.symbol);
      return {
        rule: 'leverage-cap',
        severity: 'warning',
        account: p.account,
        source: p.source,
        symbol: p.symbol,
        positionSide: p.positionSide,
        value: p.leverage,
        threshold: cap,
        message: `${p.symbol} ${sideLabel(p.positionSide, p.positionAmt)} leverage ${p.leverage}x is above the cap of ${cap}x`,
      };
    });
}
