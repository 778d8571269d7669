import type { z } from 'zod';
import { OptionalDecimalSchema } from '../numbers.js';
import { PAPI_TIME } from './pm-um.js';
import { BaseRowSchema, baseFields, defineSource } from './source.js';

/** A row of Portfolio Margin CM Position Information (seed 004): `notionalValue` and `maxQty`. */
export const PmCmPositionRowSchema = BaseRowSchema.extend({
  notionalValue: OptionalDecimalSchema,
  maxQty: OptionalDecimalSchema,
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
  normalise: (row, account) => ({
    ...baseFields(account, 'pm-cm', row),
    breakEvenPrice: null,
    marginType: null,
    isolatedMargin: null,
    notional: row.notionalValue,
    maxNotionalValue: null,
    maxQty: row.maxQty,
  }),
});
