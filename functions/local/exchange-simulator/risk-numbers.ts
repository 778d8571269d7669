import { contractSizeUsd, defaultUnrealizedProfit, isCoinMargined, marginAssetOf } from './rows.js';
import type { SimPosition, SourceId } from './types.js';

/*
 * The margin numbers of a leg and of a book, from the simulated legs, so that a price move moves them
 * as it moves the exchange's: notional and PnL at the mark, margins from the notional.
 */

/**
 * The maintenance margin rate of every leg: the exchange's lowest bracket, 0.5 % of the notional (the
 * rate of the worked example on https://www.binance.com/en/support/faq/5e33af8e6ac04d57a1d0a3398e0a0752).
 * One rate everywhere keeps the simulator's margin ratio and uniMMR consistent with each other.
 */
export const MAINT_MARGIN_RATE = 0.005;

/** The leverage a leg without one shows (`renderRow`'s default). */
const DEFAULT_LEVERAGE = 20;

/**
 * One leg's numbers in the currency its book is margined in: USDⓈ-M and Portfolio Margin UM in USDT,
 * COIN-M and Portfolio Margin CM in the coin (`asset`), with `usdPerUnit` to value them in USD.
 */
export interface LegNumbers {
  asset: string;
  /** Absolute notional at the mark. */
  notional: number;
  unrealizedProfit: number;
  /** Initial margin at the mark (notional ÷ leverage). */
  initialMargin: number;
  /**
   * What the leg put up, in `asset` and in USD: with a liquidation price, the wallet that makes its margin
   * balance meet its maintenance margin exactly there (so that a book's margin ratio reaches 100 % and a
   * Portfolio Margin account's uniMMR 1 where the scenario says the leg is liquidated); without one, its
   * initial margin at the entry price.
   */
  openingMargin: number;
  openingMarginUsd: number;
  maintMargin: number;
  /** USD per unit of `asset`: 1 for USDT, the mark for a coin. */
  usdPerUnit: number;
  cross: boolean;
}

export function legNumbers(source: SourceId, p: SimPosition): LegNumbers {
  const leverage = p.leverage ?? DEFAULT_LEVERAGE;
  const size = Math.abs(p.positionAmt);
  const coin = isCoinMargined(source);
  // COIN-M: a contract is worth a fixed number of USD, so its notional in the coin is USD ÷ price.
  const inCoin = (price: number) => (price > 0 ? (size * contractSizeUsd(p)) / price : 0);
  const notional = coin ? inCoin(p.markPrice) : Math.abs(p.notional ?? p.positionAmt * p.markPrice);
  const atEntry = coin ? inCoin(p.entryPrice) : size * p.entryPrice;
  const liquidation = p.liquidationPrice ?? null;
  const atLiquidation =
    liquidation !== null && liquidation > 0
      ? legNumbers(source, {
          ...p,
          markPrice: liquidation,
          liquidationPrice: undefined,
          notional: undefined,
          unrealizedProfit: undefined,
        })
      : null;
  const heldAtLiquidation = atLiquidation ? atLiquidation.maintMargin - atLiquidation.unrealizedProfit : 0;
  const opening = heldAtLiquidation > 0 ? heldAtLiquidation : atEntry / leverage;
  return {
    asset: coin ? marginAssetOf(p) : 'USDT',
    notional,
    unrealizedProfit: p.unrealizedProfit ?? defaultUnrealizedProfit(source, p),
    initialMargin: notional / leverage,
    openingMargin: opening,
    openingMarginUsd: coin ? opening * (heldAtLiquidation > 0 ? liquidation! : p.entryPrice) : opening,
    maintMargin: notional * MAINT_MARGIN_RATE,
    usdPerUnit: coin ? p.markPrice : 1,
    cross: (p.marginType ?? 'cross') === 'cross',
  };
}

/** What a book holds in one asset: its wallet, and the sums over its open legs in that asset. */
export interface AssetTotals {
  asset: string;
  walletBalance: number;
  unrealizedProfit: number;
  crossUnPnl: number;
  marginBalance: number;
  initialMargin: number;
  maintMargin: number;
  /** USD per unit, from the mark of a leg in the asset (1 for USDT and for an asset held by no leg). */
  usdPerUnit: number;
}

/**
 * The totals of a book per asset: every asset of the wallet and every asset a leg is margined in.
 * `wallet` is what was set for the book, or `undefined`: then the book holds, in each asset, the
 * opening margin of its legs (an account funded with exactly what its positions took).
 */
export function assetTotals(
  source: SourceId,
  legs: readonly SimPosition[],
  wallet: ReadonlyMap<string, number> | undefined,
): AssetTotals[] {
  const byAsset = new Map<string, AssetTotals>();
  const entry = (asset: string) => {
    let totals = byAsset.get(asset);
    if (!totals) {
      totals = { ...emptyTotals(asset), walletBalance: wallet?.get(asset) ?? 0 };
      byAsset.set(asset, totals);
    }
    return totals;
  };
  for (const asset of wallet?.keys() ?? []) entry(asset);
  for (const p of legs) {
    if (p.positionAmt === 0) continue;
    const leg = legNumbers(source, p);
    const totals = entry(leg.asset);
    if (wallet === undefined) totals.walletBalance += leg.openingMargin;
    totals.unrealizedProfit += leg.unrealizedProfit;
    if (leg.cross) totals.crossUnPnl += leg.unrealizedProfit;
    totals.initialMargin += leg.initialMargin;
    totals.maintMargin += leg.maintMargin;
    totals.usdPerUnit = leg.usdPerUnit;
  }
  for (const totals of byAsset.values()) totals.marginBalance = totals.walletBalance + totals.unrealizedProfit;
  return [...byAsset.values()];
}

/** An asset held by nothing: no wallet, no legs. */
export function emptyTotals(asset: string): AssetTotals {
  return {
    asset,
    walletBalance: 0,
    unrealizedProfit: 0,
    crossUnPnl: 0,
    marginBalance: 0,
    initialMargin: 0,
    maintMargin: 0,
    usdPerUnit: 1,
  };
}
