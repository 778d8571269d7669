import { z } from 'zod';
import { ADL_QUANTILE_MAX, type AdlQuantile } from '#core/account-risk.js';
import type { PositionSide, SourceId } from '#core/position.js';
import { describeIssues } from '#shared/parse.js';
import { OptionalSchema, SymbolSchema } from './numbers.js';
import { ResponseShapeError } from './sources/source.js';

/*
 * The rows of the ADL quantile pages, one per symbol, checked and normalised to one `AdlQuantile` per
 * position side. The four pages document the same row:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-ADL-Quantile-Estimation
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/rest-api/Position-ADL-Quantile-Estimation
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/UM-Position-ADL-Quantile-Estimation
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/CM-Position-ADL-Quantile-Estimation
 */

/** "Values 0, 1, 2, 3, 4 shows the queue position and possibility of ADL from low to high." */
const QuantileSchema = z.custom<number | string>(
  (value) => {
    const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= ADL_QUANTILE_MAX;
  },
  {
    error: (issue) =>
      `expected a quantile from 0 to ${ADL_QUANTILE_MAX}, got ${JSON.stringify(issue.input) ?? 'nothing'}`,
  },
);

/**
 * One symbol's quantiles. One-way mode, and isolated legs in hedge mode, send `LONG`, `SHORT` and
 * `BOTH`; cross legs in hedge mode send `LONG` and `SHORT` (the same value when both are open) and
 * `HEDGE`, "only a sign, ignore the value".
 */
export const AdlRowSchema = z.object({
  symbol: SymbolSchema,
  adlQuantile: z.object({
    LONG: QuantileSchema.optional(),
    SHORT: QuantileSchema.optional(),
    BOTH: QuantileSchema.optional(),
    HEDGE: OptionalSchema,
  }),
});
export type AdlRow = z.infer<typeof AdlRowSchema>;

const SIDES: readonly PositionSide[] = ['LONG', 'SHORT', 'BOTH'];

/**
 * The quantiles of an answer body: every side a row names except the `HEDGE` marker, which is no leg.
 * The pages send all three sides whatever the account holds; a side with no leg is matched to none.
 * Throws `ResponseShapeError` naming the row and field of an answer that is not the documented shape.
 */
export function toAdlQuantiles(body: unknown, account: string, source: SourceId): AdlQuantile[] {
  if (!Array.isArray(body)) throw new ResponseShapeError('the response is not the documented array of ADL quantiles');
  const parsed = z.array(AdlRowSchema).safeParse(body);
  if (!parsed.success) {
    throw new ResponseShapeError(`an ADL quantile is not the documented shape: ${describeIssues(parsed.error)}`);
  }
  return parsed.data.flatMap((row) =>
    SIDES.flatMap((positionSide) => {
      const value = row.adlQuantile[positionSide];
      return value === undefined
        ? []
        : [{ account, source, symbol: row.symbol, positionSide, quantile: Number(value) }];
    }),
  );
}
