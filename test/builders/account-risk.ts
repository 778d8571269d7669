import type {
  AccountRisk,
  AdlQuantile,
  CrossMarginRisk,
  PortfolioMarginRisk,
  RiskOutcome,
} from '#core/account-risk.js';
import type { SourceId } from '#core/position.js';

/** A USDⓈ-M cross account with 10,000 USDT of margin balance and 5,000 USDT of maintenance margin (50 %). */
export function buildCrossRisk(over: Partial<CrossMarginRisk> = {}): CrossMarginRisk {
  return {
    kind: 'cross',
    account: 'main',
    source: 'usdm',
    asset: null,
    maintMargin: 5_000,
    marginBalance: 10_000,
    walletBalance: 10_500,
    availableBalance: 4_000,
    ...over,
  };
}

/** A cross account whose margin ratio is `pct` % on a 10,000 USDT margin balance. */
export function atMarginRatio(pct: number, over: Partial<CrossMarginRisk> = {}): CrossMarginRisk {
  const marginBalance = over.marginBalance ?? 10_000;
  return buildCrossRisk({ marginBalance, maintMargin: (marginBalance * pct) / 100, ...over });
}

/** A Portfolio Margin account with 100,000 USD of maintenance margin, equity set by `uniMMR` (default 2). */
export function buildPmRisk(over: Partial<PortfolioMarginRisk> = {}): PortfolioMarginRisk {
  const uniMMR = over.uniMMR === undefined ? 2 : over.uniMMR;
  const maint = over.accountMaintMargin ?? 100_000;
  const equity = over.accountEquity ?? (uniMMR ?? 2) * maint;
  return {
    kind: 'portfolio',
    account: 'main',
    source: 'pm-um',
    uniMMR,
    accountStatus: 'NORMAL',
    accountEquity: equity,
    actualEquity: equity,
    accountMaintMargin: maint,
    totalAvailableBalance: null,
    ...over,
  };
}

/** An ADL quantile of the default leg (main usdm BTCUSDT, one-way). */
export function buildAdl(quantile: number, over: Partial<AdlQuantile> = {}): AdlQuantile {
  return { account: 'main', source: 'usdm', symbol: 'BTCUSDT', positionSide: 'BOTH', quantile, ...over };
}

/** A source's account read that answered. */
export function riskOk(source: SourceId, risks: readonly AccountRisk[], adl: readonly AdlQuantile[] = []): RiskOutcome {
  return { source, ok: true, risks, adl };
}

/** A source's account read that failed (the keys refused, with `keysRefused`). */
export function riskFailed(source: SourceId, keysRefused = false): RiskOutcome {
  return {
    source,
    ok: false,
    error: keysRefused
      ? {
          kind: 'exchange',
          message: 'Invalid API-key, IP, or permissions for action.',
          exchangeCode: -2015,
          keysRefused,
        }
      : { kind: 'malformed', message: 'the account answer could not be read', exchangeCode: null, keysRefused },
  };
}
