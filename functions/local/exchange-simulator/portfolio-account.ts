import { type AssetTotals, assetTotals, legNumbers } from './risk-numbers.js';
import { statusOfUniMmr } from './risk-settings.js';
import type { RiskView } from './risk-view.js';
import { formatDecimal } from './rows.js';

const dec = (n: number) => formatDecimal(n, true);

/**
 * `GET /papi/v1/account`, every documented field with decimals as 8-place strings:
 * https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information
 *
 * The Portfolio Margin account in USD: equity is the wallet plus both books' unrealised PnL (COIN-M's
 * at the mark), the maintenance margin both books' sum, uniMMR their ratio, and the status the ladder
 * gives it unless a test set one. The page does not say what uniMMR holds with no maintenance margin;
 * the simulator sends 999999, a ratio no rung reaches.
 */
export function portfolioPage(view: RiskView): Record<string, unknown> {
  const books = ['pm-um', 'pm-cm'] as const;
  const totals = books.flatMap((source) => assetTotals(source, view.legs(source), new Map()));
  const usd = (pick: (a: AssetTotals) => number) => totals.reduce((sum, a) => sum + pick(a) * a.usdPerUnit, 0);
  const wallet = view.settings.wallet('pm-um');
  const opening = books.flatMap((source) =>
    view.legs(source).map((p) => (p.positionAmt === 0 ? 0 : legNumbers(source, p).openingMarginUsd)),
  );
  const walletUsd = [...(wallet?.values() ?? opening)].reduce((sum, amount) => sum + amount, 0);
  const equity = walletUsd + usd((a) => a.unrealizedProfit);
  const maintMargin = usd((a) => a.maintMargin);
  const initialMargin = usd((a) => a.initialMargin);
  const uniMmr = maintMargin > 0 ? equity / maintMargin : null;
  const free = Math.max(0, equity - initialMargin);
  return {
    uniMMR: uniMmr === null ? dec(999_999) : dec(uniMmr),
    accountEquity: dec(equity),
    // Stablecoins count at a collateral rate of 1: equity with and without it are the same.
    actualEquity: dec(equity),
    accountInitialMargin: dec(initialMargin),
    accountMaintMargin: dec(maintMargin),
    accountStatus: view.settings.status() ?? statusOfUniMmr(uniMmr),
    virtualMaxWithdrawAmount: dec(free),
    totalAvailableBalance: dec(free),
    totalMarginOpenLoss: dec(0),
    updateTime: view.now,
  };
}
