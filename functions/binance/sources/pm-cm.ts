import type { z } from 'zod';
import { ENDPOINTS, POSITION_PATHS, TIME_PROBES } from '../hosts.js';
import { OptionalSchema, readOptionalDecimal } from '../numbers.js';
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
    defaultEndpoint: ENDPOINTS.papi,
    path: POSITION_PATHS['pm-cm'],
    time: TIME_PROBES.papi,
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
