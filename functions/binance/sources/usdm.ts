import type { z } from 'zod';
import { ENDPOINTS, POSITION_PATHS, TIME_PROBES } from '../hosts.js';
import { OptionalSchema, readMarginType, readOptionalDecimal } from '../numbers.js';
import { BaseRowSchema, defineSource, toPosition } from './source.js';

/**
 * A row of USDⓈ-M Position Information V2 (seed 000); the WebSocket API's `account.position` (seed 001)
 * sends the same rows.
 */
export const UsdmPositionRowSchema = BaseRowSchema.extend({
  breakEvenPrice: OptionalSchema,
  marginType: OptionalSchema,
  isolatedMargin: OptionalSchema,
  notional: OptionalSchema,
  maxNotionalValue: OptionalSchema,
});
export type UsdmPositionRow = z.infer<typeof UsdmPositionRowSchema>;

export function normaliseUsdmRow(row: UsdmPositionRow, account: string, source: 'usdm' | 'usdm-ws' = 'usdm') {
  return toPosition(account, source, row, {
    breakEvenPrice: readOptionalDecimal(row.breakEvenPrice),
    marginType: readMarginType(row.marginType),
    isolatedMargin: readOptionalDecimal(row.isolatedMargin),
    notional: readOptionalDecimal(row.notional),
    maxNotionalValue: readOptionalDecimal(row.maxNotionalValue),
    maxQty: null,
  });
}

/** `GET /fapi/v2/positionRisk`, weight 5: https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V2 */
export const usdm = defineSource({
  id: 'usdm',
  weight: 5,
  transport: {
    kind: 'rest',
    defaultEndpoint: ENDPOINTS.fapi,
    path: POSITION_PATHS.usdm,
    time: TIME_PROBES.fapi,
  },
  serverFilters: ['symbol'],
  rowSchema: UsdmPositionRowSchema,
  normalise: (row, account) => normaliseUsdmRow(row, account, 'usdm'),
});
