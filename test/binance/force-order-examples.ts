/*
 * The response examples of the four force-order pages, as the live API sends them. Fixed from the
 * pages: the USDⓈ-M example has no comma between its two rows.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Users-Force-Orders
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/Users-Force-Orders
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-UM-Force-Orders
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */

/** The run of fields the two futures pages' first rows share: a one-way long closed by an IOC sell. */
const ONE_WAY_LONG_LIQUIDATED = {
  timeInForce: 'IOC',
  type: 'LIMIT',
  reduceOnly: false,
  closePosition: false,
  side: 'SELL',
  positionSide: 'BOTH',
  stopPrice: '0',
  workingType: 'CONTRACT_PRICE',
};

/** USDⓈ-M: a liquidation of a one-way long and an ADL of a hedge-mode short. */
export const usdmForceOrders = [
  {
    orderId: 6071832819,
    symbol: 'BTCUSDT',
    status: 'FILLED',
    clientOrderId: 'autoclose-1596107620040000020',
    price: '10871.09',
    avgPrice: '10913.21000',
    origQty: '0.001',
    executedQty: '0.001',
    cumQuote: '10.91321',
    ...ONE_WAY_LONG_LIQUIDATED,
    origType: 'LIMIT',
    time: 1596107620044,
    updateTime: 1596107620087,
  },
  {
    orderId: 6072734303,
    symbol: 'BTCUSDT',
    status: 'FILLED',
    clientOrderId: 'adl_autoclose',
    price: '11023.14',
    avgPrice: '10979.82000',
    origQty: '0.001',
    executedQty: '0.001',
    cumQuote: '10.97982',
    timeInForce: 'GTC',
    type: 'LIMIT',
    reduceOnly: false,
    closePosition: false,
    side: 'BUY',
    positionSide: 'SHORT',
    stopPrice: '0',
    workingType: 'CONTRACT_PRICE',
    origType: 'LIMIT',
    time: 1596110725059,
    updateTime: 1596110725071,
  },
];

/** COIN-M: two liquidations, one-way and hedge mode. */
export const coinmForceOrders = [
  {
    orderId: 165123080,
    symbol: 'BTCUSD_200925',
    pair: 'BTCUSD',
    status: 'FILLED',
    clientOrderId: 'autoclose-1596542005017000006',
    price: '11326.9',
    avgPrice: '11326.9',
    origQty: '1',
    executedQty: '1',
    cumBase: '0.00882854',
    ...ONE_WAY_LONG_LIQUIDATED,
    priceProtect: false,
    origType: 'LIMIT',
    time: 1596542005019,
    updateTime: 1596542005050,
  },
  {
    orderId: 207251986,
    symbol: 'BTCUSD_200925',
    pair: 'BTCUSD',
    status: 'FILLED',
    clientOrderId: 'autoclose-1597307316020000006',
    price: '11619.4',
    avgPrice: '11661.2',
    origQty: '1',
    executedQty: '1',
    cumBase: '0.00857544',
    timeInForce: 'IOC',
    type: 'LIMIT',
    reduceOnly: false,
    closePosition: false,
    side: 'SELL',
    positionSide: 'LONG',
    stopPrice: '0',
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    origType: 'LIMIT',
    time: 1597307316022,
    updateTime: 1597307316035,
  },
];

/** The fields the USDⓈ-M and COIN-M pages' rows carry and the Portfolio Margin pages' do not. */
function withoutFuturesFields<T extends Record<string, unknown>>(row: T) {
  const { closePosition: _c, stopPrice: _s, workingType: _w, priceProtect: _p, ...rest } = row;
  return rest;
}

/**
 * Portfolio Margin UM: its page's example is the USDⓈ-M page's first row without `closePosition`,
 * `stopPrice` and `workingType`.
 */
export const pmUmForceOrders = [withoutFuturesFields(usdmForceOrders[0]!)];

/**
 * Portfolio Margin CM: its page's example is the COIN-M page's first row without `closePosition`,
 * `stopPrice`, `workingType` and `priceProtect`.
 */
export const pmCmForceOrders = [withoutFuturesFields(coinmForceOrders[0]!)];
