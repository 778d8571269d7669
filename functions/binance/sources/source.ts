import { z } from 'zod';
import type { Position, SourceId } from '#core/position.js';
import { describeIssues } from '#shared/parse.js';
import type { TimeProbeSpec } from '../hosts.js';
import {
  DecimalSchema,
  liquidationPriceOrNull,
  MillisSchema,
  PositionSideSchema,
  readDecimal,
  SymbolSchema,
} from '../numbers.js';

export const FILTER_NAMES = ['symbol', 'marginAsset', 'pair'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];
export type PositionFilter = Partial<Record<FilterName, string>>;

export interface RestTransportSpec {
  kind: 'rest';
  defaultEndpoint: string;
  path: string;
  time: TimeProbeSpec;
}

export interface WsTransportSpec {
  kind: 'ws';
  defaultEndpoint: string;
  method: string;
  /** The REST clock its requests are signed with. */
  time: TimeProbeSpec;
}

/**
 * One of the five ways to read an account's positions. The five differ only in what really differs:
 * transport and path, weight, the filters the exchange takes, and the raw row's fields.
 */
export interface PositionSource {
  readonly id: SourceId;
  readonly weight: number;
  readonly transport: RestTransportSpec | WsTransportSpec;
  /** Filters the exchange applies; `symbol` is applied here for sources that cannot filter by it. */
  readonly serverFilters: readonly FilterName[];
  /** Validates a response body and normalises its rows; throws `ResponseShapeError` naming the field. */
  toPositions(body: unknown, account: string): Position[];
}

/** A response that is not the documented shape. The message names the row and field. */
export class ResponseShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResponseShapeError';
  }
}

/** The fields every position source sends, with the exchange's spelling. */
export const BaseRowSchema = z.object({
  symbol: SymbolSchema,
  positionSide: PositionSideSchema,
  positionAmt: DecimalSchema,
  entryPrice: DecimalSchema,
  markPrice: DecimalSchema,
  unRealizedProfit: DecimalSchema,
  liquidationPrice: DecimalSchema,
  leverage: DecimalSchema,
  updateTime: MillisSchema,
});
export type BaseRow = z.infer<typeof BaseRowSchema>;

/** The fields that differ between the sources; `null` where a source does not have one. */
export type SourceFields = Pick<
  Position,
  'breakEvenPrice' | 'marginType' | 'isolatedMargin' | 'notional' | 'maxNotionalValue' | 'maxQty'
>;

/**
 * A position from a checked row: the fields every source has, and the ones that differ. One object
 * literal in the contract's field order (no spread: spreading into a literal made normalising cost
 * more than validating, and the JSON output keeps the design's order).
 */
export function toPosition(account: string, source: SourceId, row: BaseRow, fields: SourceFields): Position {
  return {
    account,
    source,
    symbol: row.symbol,
    positionSide: row.positionSide,
    positionAmt: readDecimal(row.positionAmt),
    entryPrice: readDecimal(row.entryPrice),
    breakEvenPrice: fields.breakEvenPrice,
    markPrice: readDecimal(row.markPrice),
    liquidationPrice: liquidationPriceOrNull(readDecimal(row.liquidationPrice)),
    leverage: readDecimal(row.leverage),
    marginType: fields.marginType,
    isolatedMargin: fields.isolatedMargin,
    notional: fields.notional,
    unrealizedProfit: readDecimal(row.unRealizedProfit),
    maxNotionalValue: fields.maxNotionalValue,
    maxQty: fields.maxQty,
    updateTime: readDecimal(row.updateTime),
  };
}

export interface SourceDefinition<Row> {
  id: SourceId;
  weight: number;
  transport: RestTransportSpec | WsTransportSpec;
  serverFilters: readonly FilterName[];
  rowSchema: z.ZodType<Row>;
  normalise: (row: Row, account: string) => Position;
}

export function defineSource<Row>(def: SourceDefinition<Row>): PositionSource {
  const bodySchema = z.array(def.rowSchema);
  return {
    id: def.id,
    weight: def.weight,
    transport: def.transport,
    serverFilters: def.serverFilters,
    toPositions(body, account) {
      if (!Array.isArray(body)) {
        throw new ResponseShapeError(`the response is not the documented array of positions: got ${shapeOf(body)}`);
      }
      const parsed = bodySchema.safeParse(body);
      if (!parsed.success) {
        throw new ResponseShapeError(`a position is not the documented shape: ${describeIssues(parsed.error)}`);
      }
      return parsed.data.map((row) => def.normalise(row, account));
    },
  };
}

/** What arrived instead of an array, in a few words: the field names of an object, never its values. */
function shapeOf(body: unknown): string {
  if (body === null) return 'null';
  if (typeof body !== 'object') return `a ${typeof body}`;
  const keys = Object.keys(body);
  if (keys.length === 0) return 'an empty object';
  const shown = keys.slice(0, 6).join(', ');
  return `an object with ${shown}${keys.length > 6 ? ', …' : ''}`;
}
