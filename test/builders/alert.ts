import type { Alert } from '#core/alert.js';

/** A critical liquidation-distance alert, firing, on a USDⓈ-M one-way BTCUSDT leg 6.6 % from liquidation. */
export function buildAlert(over: Partial<Alert> = {}): Alert {
  return {
    rule: 'liq-distance',
    severity: 'critical',
    status: 'firing',
    account: 'main',
    source: 'usdm',
    symbol: 'BTCUSDT',
    positionSide: 'BOTH',
    value: 6.6,
    threshold: 7.5,
    message: 'BTCUSDT LONG is 6.6% from liquidation',
    ...over,
  };
}
