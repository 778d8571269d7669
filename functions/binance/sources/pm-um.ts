import type { z } from 'zod';
import { OptionalSchema, readOptionalDecimal } from '../numbers.js';
import { BaseRowSchema, defineSource, toPosition } from './source.js';

/** A row of Portfolio Margin UM Position Information (seed 002): no margin-type fields. */
export const PmUmPositionRowSchema = BaseRowSchema.extend({
  notional: OptionalSchema,
  maxNotionalValue: OptionalSchema,
});
export type PmUmPositionRow = z.infer<typeof PmUmPositionRowSchema>;

/**
 * Portfolio Margin has no time endpoint: its clock is read from the `Date` header of `/papi/v1/ping`.
 */
export const PAPI_TIME = { path: '/papi/v1/ping', read: 'date' } as const;

/** `GET /papi/v1/um/positionRisk`, weight 5: https://developers.binance.com/docs/derivatives/portfolio-margin/account/Query-UM-Position-Information */
export const pmUm = defineSource({
  id: 'pm-um',
  weight: 5,
  transport: {
    kind: 'rest',
    defaultEndpoint: 'https://papi.binance.com',
    path: '/papi/v1/um/positionRisk',
    time: PAPI_TIME,
  },
  serverFilters: ['symbol'],
  rowSchema: PmUmPositionRowSchema,
  normalise: (row, account) =>
    toPosition(account, 'pm-um', row, {
      breakEvenPrice: null,
      marginType: null,
      isolatedMargin: null,
      notional: readOptionalDecimal(row.notional),
      maxNotionalValue: readOptionalDecimal(row.maxNotionalValue),
      maxQty: null,
    }),
});
