import { type ExchangeError, invalidParameter, invalidSymbol } from './errors.js';
import { isCoinMargined, marginAssetOf, pairOf } from './rows.js';
import type { SimPosition, SourceId } from './types.js';

/** Symbols the USDⓈ-M side lists even when no scenario account holds them. */
const LISTED_UM_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT', 'ADAUSDT', 'LTCUSDT'];

/**
 * The filters a source takes (seeds 000–004): `symbol` on the USDⓈ-M sources, `marginAsset` or `pair`
 * (not both) on the COIN-M ones. Returns the legs that pass, or the error the exchange answers.
 * `listed` holds every symbol the scenario knows of on the USDⓈ-M side, for -1121 on the others.
 */
export function applyFilters(
  source: SourceId,
  legs: readonly SimPosition[],
  params: ReadonlyMap<string, string>,
  listed: ReadonlySet<string>,
): SimPosition[] | ExchangeError {
  if (isCoinMargined(source)) {
    const marginAsset = params.get('marginAsset');
    const pair = params.get('pair');
    if (marginAsset !== undefined && pair !== undefined) {
      return invalidParameter('pair', 'send marginAsset or pair, not both.');
    }
    if (marginAsset !== undefined) return legs.filter((p) => marginAssetOf(p) === marginAsset);
    if (pair !== undefined) return legs.filter((p) => pairOf(p) === pair);
    return [...legs];
  }
  const symbol = params.get('symbol');
  if (symbol === undefined) return [...legs];
  if (!listed.has(symbol) && !LISTED_UM_SYMBOLS.includes(symbol)) return invalidSymbol();
  return legs.filter((p) => p.symbol === symbol);
}
