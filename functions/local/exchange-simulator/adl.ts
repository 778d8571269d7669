import type { ForceOrderBook } from './force-orders.js';
import { legNumbers } from './risk-numbers.js';
import type { RiskView } from './risk-view.js';
import type { SimPosition, SimPositionSide } from './types.js';

/*
 * The ADL quantile pages, one row per symbol the book holds an open leg of, as the four pages document:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-ADL-Quantile-Estimation
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/rest-api/Position-ADL-Quantile-Estimation
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/UM-Position-ADL-Quantile-Estimation
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/CM-Position-ADL-Quantile-Estimation
 */

/**
 * A leg's place in the queue when no test set one. The exchange ranks profitable legs by their profit
 * and leverage together; here that is the return on the leg's margin (PnL ÷ initial margin), in rungs:
 * a loss is 0, up to 25 % is 1, 50 % is 2, 100 % is 3, more is 4 (the top). So a profitable leg is high.
 */
function defaultQuantile(book: ForceOrderBook, legs: readonly SimPosition[]): number {
  let pnl = 0;
  let margin = 0;
  for (const p of legs) {
    const r = legNumbers(book, p);
    pnl += r.unrealizedProfit;
    margin += r.initialMargin;
  }
  if (!(pnl > 0 && margin > 0)) return 0;
  const roe = pnl / margin;
  return roe <= 0.25 ? 1 : roe <= 0.5 ? 2 : roe <= 1 ? 3 : 4;
}

/**
 * The page's rows for the account's legs, `symbol` keeping only that symbol's. One-way mode: the BOTH
 * leg's quantile, with LONG and SHORT at 0. Hedge mode: LONG and SHORT; cross legs add the `HEDGE`
 * marker instead of BOTH, and when both are open share "a same value calculated on unrealized pnls on
 * long and short sides' positions"; isolated legs keep their own and send BOTH 0. A quantile a test set
 * replaces the leg's.
 */
export function renderAdlRows(
  book: ForceOrderBook,
  view: RiskView,
  params: ReadonlyMap<string, string>,
): Record<string, unknown>[] {
  const wanted = params.get('symbol');
  const open = view.legs(book).filter((p) => p.positionAmt !== 0 && (wanted === undefined || p.symbol === wanted));
  const bySymbol = new Map<string, Partial<Record<SimPositionSide, SimPosition>>>();
  for (const p of open) bySymbol.set(p.symbol, { ...bySymbol.get(p.symbol), [p.positionSide ?? 'BOTH']: p });
  return [...bySymbol].map(([symbol, { LONG: long, SHORT: short, BOTH: both }]) => {
    const q = (side: SimPositionSide, ...of: (SimPosition | undefined)[]) =>
      view.settings.adl(book, symbol, side) ??
      defaultQuantile(
        book,
        of.filter((p) => p !== undefined),
      );
    if (!view.hedgeMode) return { symbol, adlQuantile: { LONG: q('LONG'), SHORT: q('SHORT'), BOTH: q('BOTH', both) } };
    const cross = [long, short].every((p) => p === undefined || (p.marginType ?? 'cross') === 'cross');
    if (!cross) return { symbol, adlQuantile: { LONG: q('LONG', long), SHORT: q('SHORT', short), BOTH: q('BOTH') } };
    const pair = long && short ? [long, short] : undefined;
    return {
      symbol,
      adlQuantile: { LONG: q('LONG', ...(pair ?? [long])), SHORT: q('SHORT', ...(pair ?? [short])), HEDGE: 0 },
    };
  });
}
