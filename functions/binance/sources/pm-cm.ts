import type { z } from 'zod';
import { OptionalSchema, readOptionalDecimal } from '../numbers.js';
import { PAPI_TIME } from './pm-um.js';
import { BaseRowSchema, defineSource, toPosition } from './source.js';

/** A row of Portfolio Margin CM Position Information (seed 004): `notionalValue` and `maxQty`. */
export const PmCmPositionRowSchema = BaseRowSchema.extend({
  notionalValue: OptionalSchema,
  maxQty: OptionalSchema,
});
export type PmCmPositionRow = z.infer<typeof PmCmPositionRowSchema>;

/** `GET /papi/v1/cm/positionRisk`, weight 1: https://developers.binance.com/docs/derivatives/portfolio-margin/account/Query-CM-Position-Information */
export const pmCm = defineSource({
  id: 'pm-cm',
  weight: 1,
  transport: {
    kind: 'rest',
    defaultEndpoint: 'https://papi.binance.com',
    path: '/papi/v1/cm/positionRisk',
    time: PAPI_TIME,
  },
  serverFilters: ['marginAsset', 'pair'],
  rowSchema: PmCmPositionRowSchema,
  normalise: (row, account) =>
    toPosition(account, 'pm-cm', row, {
      breakEvenPrice: null,
      marginType: null,
      isolatedMargin: null,
      notional: readOptionalDecimal(row.notionalValue),
      maxNotionalValue: null,
      maxQty: readOptionalDecimal(row.maxQty),
    }),
});
