import { z } from 'zod';
import type { ForceOrder } from '#core/force-order.js';
import type { SourceId } from '#core/position.js';
import { describeIssues } from '#shared/parse.js';
import {
  DecimalSchema,
  MillisSchema,
  OptionalSchema,
  PositionSideSchema,
  readDecimal,
  SymbolSchema,
} from './numbers.js';
import { ResponseShapeError } from './sources/source.js';

/*
 * The rows of the four force-order pages, checked and normalised to `ForceOrder`. What a liquidation
 * message needs is strict (symbol, side, leg, fill price, filled amount, time, and the client order id
 * that says liquidation or ADL); the rest of the row is read by nothing and may be anything.
 */

export const AUTO_CLOSE_TYPES = ['LIQUIDATION', 'ADL'] as const;
export type AutoCloseType = (typeof AUTO_CLOSE_TYPES)[number];

/** The fields every force-order page sends, with the exchange's spelling. */
const BaseForceOrderRowSchema = z.object({
  orderId: OptionalSchema,
  symbol: SymbolSchema,
  status: OptionalSchema,
  clientOrderId: z.string({ error: 'expected the client order id as a string' }),
  price: DecimalSchema,
  avgPrice: DecimalSchema,
  origQty: OptionalSchema,
  executedQty: DecimalSchema,
  timeInForce: OptionalSchema,
  type: OptionalSchema,
  reduceOnly: OptionalSchema,
  side: z.enum(['BUY', 'SELL']),
  positionSide: PositionSideSchema,
  origType: OptionalSchema,
  time: MillisSchema,
  updateTime: OptionalSchema,
});

/**
 * A USDⓈ-M force order: quote-currency `cumQuote`. The USDⓈ-M page's rows also carry `closePosition`,
 * `stopPrice` and `workingType`; Portfolio Margin UM's do not; none of them is read.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Users-Force-Orders
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-UM-Force-Orders
 */
export const UmForceOrderRowSchema = BaseForceOrderRowSchema.extend({ cumQuote: OptionalSchema });
export type UmForceOrderRow = z.infer<typeof UmForceOrderRowSchema>;

/**
 * A COIN-M force order: `pair`, and `cumBase` in the coin; amounts are contracts. The COIN-M page's
 * rows also carry `closePosition`, `stopPrice`, `workingType` and `priceProtect`; Portfolio Margin CM's
 * do not; none of them is read.
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/Users-Force-Orders
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
export const CmForceOrderRowSchema = BaseForceOrderRowSchema.extend({ pair: OptionalSchema, cumBase: OptionalSchema });
export type CmForceOrderRow = z.infer<typeof CmForceOrderRowSchema>;

/** USDⓈ-M rows on the USDⓈ-M and Portfolio Margin UM sources, COIN-M rows on the others. */
const ROW_SCHEMAS: Record<SourceId, z.ZodType<z.infer<typeof BaseForceOrderRowSchema>>> = {
  usdm: UmForceOrderRowSchema,
  'usdm-ws': UmForceOrderRowSchema,
  'pm-um': UmForceOrderRowSchema,
  coinm: CmForceOrderRowSchema,
  'pm-cm': CmForceOrderRowSchema,
};

/**
 * Which kind of forced close a row is. The pages say so in the client order id: "autoclose-…" for a
 * liquidation, "adl_autoclose" for an auto-deleverage (also the user data stream's order update:
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Order-update).
 * Asked for one kind, the exchange sends only that kind.
 */
function autoCloseTypeOf(clientOrderId: string, asked: AutoCloseType | undefined): AutoCloseType | undefined {
  if (clientOrderId.startsWith('adl_autoclose')) return 'ADL';
  if (clientOrderId.startsWith('autoclose-')) return 'LIQUIDATION';
  return asked;
}

/**
 * The force orders of an answer body, normalised. An order that filled nothing closed nothing and is
 * left out. The price is the average fill price (`avgPrice`), or the order's price where nothing says
 * it. Throws `ResponseShapeError` naming the row and field of an answer that is not the documented
 * shape, and for an order that is neither a liquidation nor an ADL by its client order id: told as the
 * wrong kind, it would mislead, so the answer is refused rather than guessed at.
 */
export function toForceOrders(body: unknown, source: SourceId, asked?: AutoCloseType): ForceOrder[] {
  if (!Array.isArray(body)) throw new ResponseShapeError('the response is not the documented array of force orders');
  const parsed = z.array(ROW_SCHEMAS[source]).safeParse(body);
  if (!parsed.success) {
    throw new ResponseShapeError(`a force order is not the documented shape: ${describeIssues(parsed.error)}`);
  }
  const orders: ForceOrder[] = [];
  parsed.data.forEach((row, index) => {
    const type = autoCloseTypeOf(row.clientOrderId, asked);
    if (type === undefined) {
      throw new ResponseShapeError(
        `[${index}].clientOrderId: ${JSON.stringify(row.clientOrderId.slice(0, 40))} names neither a liquidation (autoclose-…) nor an ADL (adl_autoclose)`,
      );
    }
    const qty = readDecimal(row.executedQty);
    if (qty === 0) return;
    const avgPrice = readDecimal(row.avgPrice);
    orders.push({
      source,
      symbol: row.symbol,
      positionSide: row.positionSide,
      side: row.side,
      price: avgPrice > 0 ? avgPrice : readDecimal(row.price),
      qty,
      time: readDecimal(row.time),
      type,
    });
  });
  return orders;
}
