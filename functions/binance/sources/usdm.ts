import type { z } from 'zod';
import { MarginTypeSchema, OptionalDecimalSchema } from '../numbers.js';
import { BaseRowSchema, baseFields, defineSource } from './source.js';

/**
 * A row of USDⓈ-M Position Information V2 (seed 000); the WebSocket API's `account.position` (seed 001)
 * sends the same rows.
 */
export const UsdmPositionRowSchema = BaseRowSchema.extend({
  breakEvenPrice: OptionalDecimalSchema,
  marginType: MarginTypeSchema,
  isolatedMargin: OptionalDecimalSchema,
  notional: OptionalDecimalSchema,
  maxNotionalValue: OptionalDecimalSchema,
});
export type UsdmPositionRow = z.infer<typeof UsdmPositionRowSchema>;

export function normaliseUsdmRow(row: UsdmPositionRow, account: string, source: 'usdm' | 'usdm-ws' = 'usdm') {
  return {
    ...baseFields(account, source, row),
    breakEvenPrice: row.breakEvenPrice,
    marginType: row.marginType,
    isolatedMargin: row.isolatedMargin,
    notional: row.notional,
    maxNotionalValue: row.maxNotionalValue,
    maxQty: null,
  };
}

/** `GET /fapi/v2/positionRisk`, weight 5: https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V2 */
export const usdm = defineSource({
  id: 'usdm',
  weight: 5,
  transport: {
    kind: 'rest',
    defaultEndpoint: 'https://fapi.binance.com',
    path: '/fapi/v2/positionRisk',
    time: { path: '/fapi/v1/time', read: 'serverTime' },
  },
  serverFilters: ['symbol'],
  rowSchema: UsdmPositionRowSchema,
  normalise: (row, account) => normaliseUsdmRow(row, account, 'usdm'),
});
