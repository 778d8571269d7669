import type { z } from 'zod';
import { ENDPOINTS, POSITION_PATHS, TIME_PROBES } from '../hosts.js';
import { OptionalSchema, readOptionalDecimal } from '../numbers.js';
import { BaseRowSchema, defineSource, toPosition } from './source.js';

/** A row of Portfolio Margin UM Position Information (seed 002): no margin-type fields. */
export const PmUmPositionRowSchema = BaseRowSchema.extend({
  notional: OptionalSchema,
  maxNotionalValue: OptionalSchema,
});
export type PmUmPositionRow = z.infer<typeof PmUmPositionRowSchema>;

/** `GET /papi/v1/um/positionRisk`, weight 5: https://developers.binance.com/docs/derivatives/portfolio-margin/account/Query-UM-Position-Information */
export const pmUm = defineSource({
  id: 'pm-um',
  weight: 5,
  transport: {
    kind: 'rest',
    defaultEndpoint: ENDPOINTS.papi,
    path: POSITION_PATHS['pm-um'],
    time: TIME_PROBES.papi,
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
