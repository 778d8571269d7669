/*
 * The response examples of the account and ADL quantile pages, as the live API sends them: valid JSON
 * without the pages' comments. Fixed from the pages: the USDⓈ-M examples lack a comma after
 * `maxWithdrawAmount`, the Portfolio Margin one after
 * `accountStatus` and `virtualMaxWithdrawAmount`. Each page shows one row where a real account has
 * several; where a test needs more (a second COIN-M margin asset, a hedge-mode leg), the added row is
 * the page's own row with other values, and says so.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V2
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/websocket-api/Account-Information-V2
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Account-Information
 * https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-ADL-Quantile-Estimation
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/rest-api/Position-ADL-Quantile-Estimation
 */

const USDT_ASSET = {
  asset: 'USDT',
  walletBalance: '23.72469206',
  unrealizedProfit: '0.00000000',
  marginBalance: '23.72469206',
  maintMargin: '0.00000000',
  initialMargin: '0.00000000',
  positionInitialMargin: '0.00000000',
  openOrderInitialMargin: '0.00000000',
  crossWalletBalance: '23.72469206',
  crossUnPnl: '0.00000000',
  availableBalance: '23.72469206',
  maxWithdrawAmount: '23.72469206',
  marginAvailable: true,
  updateTime: 1625474304765,
};

/** `GET /fapi/v2/account`, single-asset mode, a one-way account. */
export const usdmAccount = {
  feeTier: 0,
  feeBurn: true,
  canTrade: true,
  canDeposit: true,
  canWithdraw: true,
  updateTime: 0,
  multiAssetsMargin: false,
  tradeGroupId: -1,
  totalInitialMargin: '0.00000000',
  totalMaintMargin: '0.00000000',
  totalWalletBalance: '23.72469206',
  totalUnrealizedProfit: '0.00000000',
  totalMarginBalance: '23.72469206',
  totalPositionInitialMargin: '0.00000000',
  totalOpenOrderInitialMargin: '0.00000000',
  totalCrossWalletBalance: '23.72469206',
  totalCrossUnPnl: '0.00000000',
  availableBalance: '23.72469206',
  maxWithdrawAmount: '23.72469206',
  assets: [USDT_ASSET],
  positions: [
    {
      symbol: 'BTCUSDT',
      initialMargin: '0',
      maintMargin: '0',
      unrealizedProfit: '0.00000000',
      positionInitialMargin: '0',
      openOrderInitialMargin: '0',
      leverage: '100',
      isolated: true,
      entryPrice: '0.00000',
      maxNotional: '250000',
      bidNotional: '0',
      askNotional: '0',
      positionSide: 'BOTH',
      positionAmt: '0',
      updateTime: 0,
    },
  ],
};

/**
 * The WebSocket API's `v2/account.status` reply, single-asset mode; its `result` holds the totals. The
 * position row is a hedge-mode leg (the page's row with `LONG`).
 */
export const usdmWsAccountReply = {
  id: '605a6d20-6588-4cb9-afa0-b0ab087507ba',
  status: 200,
  result: {
    totalInitialMargin: '0.00000000',
    totalMaintMargin: '0.00000000',
    totalWalletBalance: '103.12345678',
    totalUnrealizedProfit: '0.00000000',
    totalMarginBalance: '103.12345678',
    totalPositionInitialMargin: '0.00000000',
    totalOpenOrderInitialMargin: '0.00000000',
    totalCrossWalletBalance: '103.12345678',
    totalCrossUnPnl: '0.00000000',
    availableBalance: '103.12345678',
    maxWithdrawAmount: '103.12345678',
    assets: [USDT_ASSET],
    positions: [
      {
        symbol: 'BTCUSDT',
        positionSide: 'LONG',
        positionAmt: '1.000',
        unrealizedProfit: '0.00000000',
        isolatedMargin: '0.00000000',
        notional: '0',
        isolatedWallet: '0',
        initialMargin: '0',
        maintMargin: '0',
        updateTime: 0,
      },
    ],
  },
  rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400, count: 20 }],
};

const BTC_ASSET = {
  asset: 'BTC',
  walletBalance: '0.00241969',
  unrealizedProfit: '0.00000000',
  marginBalance: '0.00241969',
  maintMargin: '0.00000000',
  initialMargin: '0.00000000',
  positionInitialMargin: '0.00000000',
  openOrderInitialMargin: '0.00000000',
  maxWithdrawAmount: '0.00241969',
  crossWalletBalance: '0.00241969',
  crossUnPnl: '0.00000000',
  availableBalance: '0.00241969',
  updateTime: 1625474304765,
};

/**
 * `GET /dapi/v1/account`, a hedge-mode account. Added to the page's BTC row: an ETH margin asset with a
 * position's margins (the BTC row with other values), and an asset that holds nothing, as the
 * WebSocket API page's example shows (`WLD`, all zeros).
 */
export const coinmAccount = {
  assets: [
    BTC_ASSET,
    {
      ...BTC_ASSET,
      asset: 'ETH',
      walletBalance: '1.20000000',
      unrealizedProfit: '-0.15000000',
      marginBalance: '1.05000000',
      maintMargin: '0.02500000',
      initialMargin: '0.25000000',
      positionInitialMargin: '0.25000000',
      maxWithdrawAmount: '0.80000000',
      crossWalletBalance: '1.20000000',
      crossUnPnl: '-0.15000000',
      availableBalance: '0.80000000',
    },
    {
      ...BTC_ASSET,
      asset: 'WLD',
      walletBalance: '0.00000000',
      marginBalance: '0.00000000',
      maxWithdrawAmount: '0.00000000',
      crossWalletBalance: '0.00000000',
      availableBalance: '0.00000000',
      updateTime: 0,
    },
  ],
  positions: (['BOTH', 'LONG', 'SHORT'] as const).map((positionSide) => ({
    symbol: 'BTCUSD_201225',
    positionAmt: '0',
    initialMargin: '0',
    maintMargin: '0',
    unrealizedProfit: '0.00000000',
    positionInitialMargin: '0',
    openOrderInitialMargin: '0',
    leverage: '125',
    isolated: false,
    positionSide,
    entryPrice: '0.0',
    breakEvenPrice: '0.0',
    maxQty: '50',
    updateTime: 0,
  })),
  canDeposit: true,
  canTrade: true,
  canWithdraw: true,
  feeTier: 2,
  updateTime: 0,
};

/** `GET /papi/v1/account`: note the empty strings the page sends for two balances. */
export const pmAccount = {
  uniMMR: '5167.92171923',
  accountEquity: '73.47428058',
  actualEquity: '122607.35137903',
  accountInitialMargin: '23.72469206',
  accountMaintMargin: '23.72469206',
  accountStatus: 'NORMAL',
  virtualMaxWithdrawAmount: '1627523.32459208',
  totalAvailableBalance: '',
  totalMarginOpenLoss: '',
  updateTime: 1657707212154,
};

/**
 * `GET /fapi/v1/adlQuantile` and `GET /papi/v1/um/adlQuantile` (the same example): a symbol with cross
 * legs in hedge mode (`HEDGE` marker), and one in one-way mode or isolated in hedge mode.
 */
export const umAdlQuantiles = [
  { symbol: 'ETHUSDT', adlQuantile: { LONG: 3, SHORT: 3, HEDGE: 0 } },
  { symbol: 'BTCUSDT', adlQuantile: { LONG: 1, SHORT: 2, BOTH: 0 } },
];

/** `GET /dapi/v1/adlQuantile` and `GET /papi/v1/cm/adlQuantile` (the same example). */
export const cmAdlQuantiles = [
  { symbol: 'BTCUSD_200925', adlQuantile: { LONG: 3, SHORT: 3, HEDGE: 0 } },
  { symbol: 'BTCUSD_201225', adlQuantile: { LONG: 1, SHORT: 2, BOTH: 0 } },
];
