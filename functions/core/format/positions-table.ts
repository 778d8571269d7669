import { sideLabel } from '../alert.js';
import { compareByLiqDistance, liqDistancePct, type Position } from '../position.js';
import { formatLegPnl, formatLegSize, formatLeverage, formatPct, formatPrice } from './numbers.js';

const COLUMNS = [
  'ACCOUNT',
  'SOURCE',
  'SYMBOL',
  'SIDE',
  'AMOUNT',
  'ENTRY',
  'MARK',
  'LIQ',
  'DIST',
  'LEV',
  'PNL',
] as const;
const RIGHT_ALIGNED = new Set<string>(['AMOUNT', 'ENTRY', 'MARK', 'LIQ', 'DIST', 'LEV', 'PNL']);

/**
 * A plain-text table of positions for a terminal, nearest to liquidation first. `DIST` is the
 * distance of the mark price to the liquidation price in percent, in the direction that loses.
 */
export function renderPositionsTable(positions: readonly Position[]): string {
  if (positions.length === 0) return 'No positions.';
  const rows = [...positions]
    .sort(compareByLiqDistance)
    .map((p) => [
      p.account,
      p.source,
      p.symbol,
      sideLabel(p.positionSide, p.positionAmt),
      formatLegSize(p),
      formatPrice(p.entryPrice),
      formatPrice(p.markPrice),
      formatPrice(p.liquidationPrice),
      formatPct(liqDistancePct(p)),
      formatLeverage(p.leverage),
      formatLegPnl(p),
    ]);
  const table = [[...COLUMNS], ...rows];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table
    .map((row) =>
      row
        .map((cell, i) => (RIGHT_ALIGNED.has(COLUMNS[i]!) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
