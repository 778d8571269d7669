import { portfolioPage } from './portfolio-account.js';
import { type AssetTotals, assetTotals, emptyTotals, type LegNumbers, legNumbers } from './risk-numbers.js';
import type { RiskView } from './risk-view.js';
import { formatDecimal, renderRow } from './rows.js';
import type { SimPosition, SourceId } from './types.js';

/*
 * The account pages, every documented field in the pages' order, decimals as strings with 8 places as
 * in the pages' examples, computed from the account's legs at their mark (`risk-numbers.ts`):
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V2
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/websocket-api/Account-Information-V2
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Account-Information
 * and Portfolio Margin's (`portfolio-account.ts`).
 */

const dec = (n: number) => formatDecimal(n, true);

/** The page of `GET /fapi/v2/account`, `v2/account.status`, `GET /dapi/v1/account` or `GET /papi/v1/account`. */
export function renderAccountPage(source: SourceId, view: RiskView): Record<string, unknown> {
  switch (source) {
    case 'usdm':
      return {
        feeTier: 0,
        feeBurn: true,
        canTrade: true,
        canDeposit: true,
        canWithdraw: true,
        updateTime: 0, // "reserved property, please ignore"
        multiAssetsMargin: false,
        tradeGroupId: -1,
        ...usdmTotals(source, view, (p, r) => ({
          symbol: p.symbol,
          ...positionMargins(p, r),
          entryPrice: formatDecimal(p.entryPrice),
          maxNotional: renderRow(source, p).maxNotionalValue,
          bidNotional: '0',
          askNotional: '0',
          positionSide: p.positionSide,
          positionAmt: formatDecimal(p.positionAmt),
          updateTime: p.updateTime ?? 0,
        })),
      };
    case 'usdm-ws':
      return usdmTotals(source, view, (p, r) => {
        const row = renderRow(source, p, view.hedgeMode);
        return {
          symbol: p.symbol,
          positionSide: p.positionSide,
          positionAmt: formatDecimal(p.positionAmt),
          unrealizedProfit: dec(r.unrealizedProfit),
          isolatedMargin: row.isolatedMargin,
          notional: row.notional,
          isolatedWallet: row.isolatedWallet,
          initialMargin: dec(r.initialMargin),
          maintMargin: dec(r.maintMargin),
          updateTime: p.updateTime ?? 0,
        };
      });
    case 'coinm':
      return coinmPage(view);
    case 'pm-um':
    case 'pm-cm':
      return portfolioPage(view);
  }
}

/** The USDⓈ-M totals (single-asset mode: USDT's), its assets and its legs. */
function usdmTotals(
  source: 'usdm' | 'usdm-ws',
  view: RiskView,
  position: (p: SimPosition, r: LegNumbers) => Record<string, unknown>,
): Record<string, unknown> {
  const legs = view.legs(source);
  const assets = assetTotals(source, legs, view.settings.wallet(source));
  const usdt = assets.find((a) => a.asset === 'USDT') ?? emptyTotals('USDT');
  const available = usdt.marginBalance - usdt.initialMargin;
  return {
    totalInitialMargin: dec(usdt.initialMargin),
    totalMaintMargin: dec(usdt.maintMargin),
    totalWalletBalance: dec(usdt.walletBalance),
    totalUnrealizedProfit: dec(usdt.unrealizedProfit),
    totalMarginBalance: dec(usdt.marginBalance),
    totalPositionInitialMargin: dec(usdt.initialMargin),
    totalOpenOrderInitialMargin: dec(0),
    totalCrossWalletBalance: dec(usdt.walletBalance),
    totalCrossUnPnl: dec(usdt.crossUnPnl),
    availableBalance: dec(available),
    maxWithdrawAmount: dec(Math.max(0, Math.min(usdt.walletBalance, available))),
    assets: assets.map((a) => ({ ...assetRow(a, view.now), marginAvailable: true, updateTime: view.now })),
    positions: legs.map((p) => position(p, legNumbers(source, p))),
  };
}

/** The margin columns of a position row on the USDⓈ-M (REST) and COIN-M pages, in the pages' order. */
function positionMargins(p: SimPosition, r: LegNumbers): Record<string, unknown> {
  return {
    initialMargin: dec(r.initialMargin),
    maintMargin: dec(r.maintMargin),
    unrealizedProfit: dec(r.unrealizedProfit),
    positionInitialMargin: dec(r.initialMargin),
    openOrderInitialMargin: '0',
    leverage: String(p.leverage ?? 20),
    isolated: !r.cross,
  };
}

/** The columns every asset row of the USDⓈ-M and COIN-M pages has, in the pages' order. */
function assetRow(a: AssetTotals, now: number): Record<string, unknown> {
  const available = a.marginBalance - a.initialMargin;
  return {
    asset: a.asset,
    walletBalance: dec(a.walletBalance),
    unrealizedProfit: dec(a.unrealizedProfit),
    marginBalance: dec(a.marginBalance),
    maintMargin: dec(a.maintMargin),
    initialMargin: dec(a.initialMargin),
    positionInitialMargin: dec(a.initialMargin),
    openOrderInitialMargin: dec(0),
    crossWalletBalance: dec(a.walletBalance),
    crossUnPnl: dec(a.crossUnPnl),
    availableBalance: dec(available),
    maxWithdrawAmount: dec(Math.max(0, Math.min(a.walletBalance, available))),
    updateTime: now,
  };
}

function coinmPage(view: RiskView): Record<string, unknown> {
  const legs = view.legs('coinm');
  return {
    assets: assetTotals('coinm', legs, view.settings.wallet('coinm')).map((a) => {
      const { maxWithdrawAmount, crossWalletBalance, crossUnPnl, availableBalance, updateTime, ...head } = assetRow(
        a,
        view.now,
      );
      return { ...head, maxWithdrawAmount, crossWalletBalance, crossUnPnl, availableBalance, updateTime };
    }),
    positions: legs.map((p) => {
      const r = legNumbers('coinm', p);
      return {
        symbol: p.symbol,
        positionAmt: formatDecimal(p.positionAmt),
        ...positionMargins(p, r),
        positionSide: p.positionSide,
        entryPrice: formatDecimal(p.entryPrice),
        breakEvenPrice: formatDecimal(p.breakEvenPrice ?? p.entryPrice),
        maxQty: renderRow('coinm', p).maxQty,
        updateTime: p.updateTime ?? 0,
      };
    }),
    canDeposit: true,
    canTrade: true,
    canWithdraw: true,
    feeTier: 0,
    updateTime: 0,
  };
}
