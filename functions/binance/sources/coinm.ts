import type { z } from 'zod';
import { ENDPOINTS, POSITION_PATHS, TIME_PROBES } from '../hosts.js';
import { OptionalSchema, readMarginType, readOptionalDecimal } from '../numbers.js';
import { BaseRowSchema, defineSource, toPosition } from './source.js';

/**
 * A row of COIN-M Position Information (seed 003): `maxQty` instead of `maxNotionalValue`, no
 * `notional`. Amounts are contracts; PnL is in the margin coin.
 */
export const CoinmPositionRowSchema = BaseRowSchema.extend({
  breakEvenPrice: OptionalSchema,
  marginType: OptionalSchema,
  isolatedMargin: OptionalSchema,
  maxQty: OptionalSchema,
});
export type CoinmPositionRow = z.infer<typeof CoinmPositionRowSchema>;

/** `GET /dapi/v1/positionRisk`, weight 1: https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/Position-Information */
export const coinm = defineSource({
  id: 'coinm',
  weight: 1,
  transport: {
    kind: 'rest',
    defaultEndpoint: ENDPOINTS.dapi,
    path: POSITION_PATHS.coinm,
    time: TIME_PROBES.dapi,
  },
  serverFilters: ['marginAsset', 'pair'],
  rowSchema: CoinmPositionRowSchema,
  normalise: (row, account) =>
    toPosition(account, 'coinm', row, {
      breakEvenPrice: readOptionalDecimal(row.breakEvenPrice),
      marginType: readMarginType(row.marginType),
      isolatedMargin: readOptionalDecimal(row.isolatedMargin),
      notional: null,
      maxNotionalValue: null,
      maxQty: readOptionalDecimal(row.maxQty),
    }),
});
