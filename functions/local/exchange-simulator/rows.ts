// Over 200 lines on purpose: each source's row, exactly as the exchange documents it, side by side,
// so the five differ visibly only where the exchange's payloads differ.
import type { SimPosition, SimPositionSide, SourceId } from './types.js';

/** The COIN-M sources: amounts in contracts, PnL in the margin coin, `marginAsset`/`pair` filters. */
export function isCoinMargined(source: SourceId): boolean {
  return source === 'coinm' || source === 'pm-cm';
}

/** `BTCUSD_PERP` and `BTCUSD_201225` trade the pair `BTCUSD` (seed 003). */
export function pairOf(p: Pick<SimPosition, 'symbol' | 'pair'>): string {
  return p.pair ?? p.symbol.split('_')[0] ?? p.symbol;
}

/** The coin a COIN-M contract is margined in: `BTCUSD` → `BTC`. */
export function marginAssetOf(p: Pick<SimPosition, 'symbol' | 'pair' | 'marginAsset'>): string {
  return p.marginAsset ?? pairOf(p).replace(/USD$/, '');
}

/** USD value of one COIN-M contract: 100 for BTC, 10 for the others. */
export function contractSizeUsd(p: Pick<SimPosition, 'symbol' | 'pair' | 'marginAsset'>): number {
  return marginAssetOf(p) === 'BTC' ? 100 : 10;
}

/**
 * A decimal as the exchange writes it: a string, never an exponent, at most 8 decimals. `fixed`
 * keeps all 8 (the pages print mark prices, PnL and margins that way: `"0.00000000"`).
 */
export function formatDecimal(n: number, fixed = false): string {
  const text = (Object.is(n, -0) ? 0 : n).toFixed(8);
  if (fixed) return text === '-0.00000000' ? '0.00000000' : text;
  const trimmed = text.replace(/\.?0+$/, '');
  return trimmed === '-0' ? '0' : trimmed;
}

/** Unrealised PnL when the scenario gives none: quote currency for USDⓈ-M, the coin for COIN-M. */
export function defaultUnrealizedProfit(source: SourceId, p: SimPosition): number {
  if (p.positionAmt === 0 || !(p.entryPrice > 0) || !(p.markPrice > 0)) return 0;
  if (!isCoinMargined(source)) return p.positionAmt * (p.markPrice - p.entryPrice);
  return p.positionAmt * contractSizeUsd(p) * (1 / p.entryPrice - 1 / p.markPrice);
}

/** One-way mode has only BOTH legs; in hedge mode a leg without a side takes its amount's. */
function sideOf(p: SimPosition, hedgeMode: boolean): SimPositionSide {
  if (!hedgeMode) return 'BOTH';
  return p.positionSide ?? (p.positionAmt < 0 ? 'SHORT' : 'LONG');
}

/** The side a source lists a leg under (see `legsFor`): COIN-M keeps a BOTH leg of its own in hedge mode. */
export function listedSideOf(source: SourceId, p: SimPosition, hedgeMode: boolean): SimPositionSide {
  if (!hedgeMode) return 'BOTH';
  return source === 'coinm' && p.positionSide === 'BOTH' ? 'BOTH' : hedgeSideOf(p);
}

/** A hedge-mode leg: LONG or SHORT, a BOTH leg read as the side its amount points to. */
function hedgeSideOf(p: SimPosition): 'LONG' | 'SHORT' {
  if (p.positionSide === 'LONG' || p.positionSide === 'SHORT') return p.positionSide;
  return p.positionAmt < 0 ? 'SHORT' : 'LONG';
}

/**
 * One row of a source, exactly as its page shows it: the same field set (seeds 000–004), every number
 * a string and `updateTime` a number. Fields the scenario leaves out get values a live account would
 * show (PnL from entry and mark, notional from amount and mark, no liquidation price).
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V2
 * and the COIN-M and Portfolio Margin pages of the seeds README.
 */
export function renderRow(source: SourceId, p: SimPosition, hedgeMode = false): Record<string, unknown> {
  const leverage = p.leverage ?? 20;
  const side = sideOf(p, hedgeMode);
  const upnl = p.unrealizedProfit ?? defaultUnrealizedProfit(source, p);
  const coin = isCoinMargined(source);
  const notional = p.notional ?? (coin ? 0 : p.positionAmt * p.markPrice);
  const marginType = p.marginType ?? 'cross';
  const initialMargin = coin
    ? p.entryPrice > 0
      ? Math.abs(p.positionAmt * contractSizeUsd(p)) / p.entryPrice / leverage
      : 0
    : Math.abs(p.positionAmt * p.entryPrice) / leverage;
  const isolatedMargin = p.isolatedMargin ?? (marginType === 'isolated' ? initialMargin + upnl : 0);
  const common = {
    symbol: p.symbol,
    positionAmt: formatDecimal(p.positionAmt),
    entryPrice: formatDecimal(p.entryPrice),
    breakEvenPrice: formatDecimal(p.breakEvenPrice ?? p.entryPrice),
    markPrice: formatDecimal(p.markPrice, true),
    unRealizedProfit: formatDecimal(upnl, true),
    liquidationPrice: formatDecimal(p.liquidationPrice ?? 0),
    leverage: String(leverage),
    maxNotionalValue: formatDecimal(p.maxNotionalValue ?? Math.round(500_000_000 / leverage)),
    maxQty: formatDecimal(p.maxQty ?? Math.round(25_000 / leverage)),
    marginType,
    isolatedMargin: formatDecimal(isolatedMargin, true),
    isAutoAddMargin: 'false',
    // isolatedMargin is the wallet plus the unrealised PnL; cross positions have no isolated wallet.
    isolatedWallet: formatDecimal(marginType === 'isolated' ? isolatedMargin - upnl : 0),
    positionSide: side,
    notional: formatDecimal(notional),
    updateTime: p.updateTime ?? 0,
  };
  switch (source) {
    case 'usdm':
    case 'usdm-ws':
      // Seed 000 (and 001's `result`), hedge-mode field order.
      return pick(common, [
        'symbol',
        'positionAmt',
        'entryPrice',
        'breakEvenPrice',
        'markPrice',
        'unRealizedProfit',
        'liquidationPrice',
        'leverage',
        'maxNotionalValue',
        'marginType',
        'isolatedMargin',
        'isAutoAddMargin',
        'positionSide',
        'notional',
        'isolatedWallet',
        'updateTime',
      ]);
    case 'coinm':
      // Seed 003: maxQty instead of maxNotionalValue, no notional, no isolatedWallet.
      return pick(common, [
        'symbol',
        'positionAmt',
        'entryPrice',
        'breakEvenPrice',
        'markPrice',
        'unRealizedProfit',
        'liquidationPrice',
        'leverage',
        'maxQty',
        'marginType',
        'isolatedMargin',
        'isAutoAddMargin',
        'positionSide',
        'updateTime',
      ]);
    case 'pm-um':
      // Seed 002: no margin-type fields, no break-even price.
      return pick(common, [
        'symbol',
        'positionAmt',
        'entryPrice',
        'markPrice',
        'unRealizedProfit',
        'liquidationPrice',
        'leverage',
        'maxNotionalValue',
        'positionSide',
        'notional',
        'updateTime',
      ]);
    case 'pm-cm': {
      // Seed 004: notionalValue (in the coin) and maxQty.
      const notionalValue = p.notional ?? (p.markPrice > 0 ? (p.positionAmt * contractSizeUsd(p)) / p.markPrice : 0);
      return {
        ...pick(common, [
          'symbol',
          'positionAmt',
          'entryPrice',
          'markPrice',
          'unRealizedProfit',
          'liquidationPrice',
          'leverage',
          'positionSide',
          'updateTime',
          'maxQty',
        ]),
        notionalValue: formatDecimal(notionalValue),
      };
    }
  }
}

function pick<T extends Record<string, unknown>, K extends keyof T>(
  from: T,
  keys: readonly K[],
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const key of keys) row[key as string] = from[key];
  return row;
}

/** A flat leg next to an open one: what hedge mode shows for the side that holds nothing. */
function flatLeg(of: SimPosition, side: SimPositionSide): SimPosition {
  return {
    symbol: of.symbol,
    positionSide: side,
    positionAmt: 0,
    entryPrice: 0,
    breakEvenPrice: 0,
    markPrice: of.markPrice,
    liquidationPrice: 0,
    unrealizedProfit: 0,
    notional: 0,
    updateTime: 0,
    ...(of.leverage === undefined ? {} : { leverage: of.leverage }),
    ...(of.marginType === undefined ? {} : { marginType: of.marginType, isolatedMargin: 0 }),
    ...(of.maxNotionalValue === undefined ? {} : { maxNotionalValue: of.maxNotionalValue }),
    ...(of.maxQty === undefined ? {} : { maxQty: of.maxQty }),
    ...(of.pair === undefined ? {} : { pair: of.pair }),
    ...(of.marginAsset === undefined ? {} : { marginAsset: of.marginAsset }),
  };
}

/**
 * The legs a source lists for an account, before filters. One-way mode lists one `BOTH` leg per
 * symbol. Hedge mode lists a LONG and a SHORT leg per symbol, flat or not (seed 000); COIN-M adds the
 * flat BOTH leg too (seed 003: "the response will show BOTH, LONG, and SHORT positions"); Portfolio
 * Margin lists only the legs that hold a position (seeds 002 and 004: "only return with position").
 */
export function legsFor(source: SourceId, positions: readonly SimPosition[], hedgeMode: boolean): SimPosition[] {
  if (!hedgeMode) return positions.map((p) => ({ ...p, positionSide: 'BOTH' }));
  if (source === 'pm-um' || source === 'pm-cm') {
    return positions.filter((p) => p.positionAmt !== 0).map((p) => ({ ...p, positionSide: hedgeSideOf(p) }));
  }
  const sides: SimPositionSide[] = source === 'coinm' ? ['BOTH', 'LONG', 'SHORT'] : ['LONG', 'SHORT'];
  const bySymbol = new Map<string, Partial<Record<SimPositionSide, SimPosition>>>();
  for (const p of positions) {
    // COIN-M keeps a BOTH leg of its own in hedge mode; elsewhere a BOTH leg is read by its amount.
    const side = p.positionSide === 'BOTH' && sides.includes('BOTH') ? 'BOTH' : hedgeSideOf(p);
    const legs = bySymbol.get(p.symbol) ?? {};
    legs[side] = { ...p, positionSide: side };
    bySymbol.set(p.symbol, legs);
  }
  const legs: SimPosition[] = [];
  for (const held of bySymbol.values()) {
    const any = (held.LONG ?? held.SHORT ?? held.BOTH)!;
    for (const side of sides) legs.push(held[side] ?? flatLeg(any, side));
  }
  return legs;
}
