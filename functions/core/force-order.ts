import type { AlertState, Closure, Finding } from './alert.js';
import { formatAmount, formatPrice } from './format/numbers.js';
import type { AccountState } from './lifecycle/account-state.js';
import { readBooks, rekeyAlerts } from './lifecycle/books.js';
import type { SourceOutcome } from './lifecycle/evaluate.js';
import type { Position, PositionSide, SourceId } from './position.js';

/**
 * An order the exchange placed itself to close a leg: a liquidation, or an auto-deleveraging against it.
 * From the user force orders endpoints (`autoCloseType` LIQUIDATION or ADL), e.g.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Users-Force-Orders
 */
export interface ForceOrder {
  source: SourceId;
  symbol: string;
  positionSide: PositionSide;
  side: 'BUY' | 'SELL';
  price: number;
  qty: number;
  time: number;
  type: 'LIQUIDATION' | 'ADL';
}

/** What the force orders of each source said this cycle; `{ error }` where they could not be read. */
export type ForceOrderEvidence = Partial<Record<SourceId, ForceOrder[] | { error: string }>>;

/** A leg that closed while its `liq-distance` alert was critical, and when that alert began. */
export interface ClosedLeg {
  source: SourceId;
  symbol: string;
  positionSide: PositionSide;
  since: number;
}

/** Exchange and check clocks differ: an order stamped a little before the alert began still counts. */
const CLOCK_SLACK_MS = 60_000;

/** A `liq-distance` alert that was critical, or past the liquidation price: its leg closing is news. */
export function wasCritical(state: Pick<AlertState, 'alert'>): boolean {
  const { rule, severity, value } = state.alert;
  return rule === 'liq-distance' && (severity === 'critical' || (value !== null && value <= 0));
}

/**
 * Legs whose `liq-distance` alert was critical (or past the liquidation price) last cycle and that are
 * flat or absent in a book that was read now: the check reads their source's force orders before the
 * cycle is advanced, from the alert's start on. A book none of whose sources answered is not judged.
 */
export function legsClosedWhileCritical(prev: AccountState | null, outcomes: readonly SourceOutcome[]): ClosedLeg[] {
  if (prev === null) return [];
  const watched = new Set(outcomes.map((o) => o.source));
  const books = readBooks(outcomes, watched);
  const closed: ClosedLeg[] = [];
  for (const state of Object.values(rekeyAlerts(prev.alerts, watched))) {
    const { source, symbol, positionSide } = state.alert;
    if (!wasCritical(state) || source === null || symbol === null || positionSide === null) continue;
    const book = books.find((b) => b.book === source);
    if (book && !isLegOpen(state.alert, book.positions))
      closed.push({ source, symbol, positionSide, since: state.since });
  }
  return closed;
}

/** Whether the leg an alert is about is open among a book's positions this cycle. */
export function isLegOpen(alert: Pick<Finding, 'symbol' | 'positionSide'>, positions: readonly Position[]): boolean {
  return positions.some(
    (p) => p.symbol === alert.symbol && p.positionSide === alert.positionSide && p.positionAmt !== 0,
  );
}

/**
 * What a leg that closed while critical is told as: liquidated or auto-deleveraged, with the price and
 * quantity of the exchange's own force orders for it since the alert began; or, where those could not be
 * read or hold no such order, a request to check, never a quiet "closed".
 */
export function closedWhileCritical(
  before: AlertState,
  evidence: ForceOrderEvidence | undefined,
): { closure: Closure; message: string } {
  const { source, symbol, positionSide } = before.alert;
  const read = source === null ? undefined : evidence?.[source];
  const orders = Array.isArray(read)
    ? read.filter(
        (o) => o.symbol === symbol && o.positionSide === positionSide && o.time >= before.since - CLOCK_SLACK_MS,
      )
    : [];
  if (orders.length === 0) {
    const name = `${symbol ?? ''} ${positionSide === 'BOTH' ? '' : (positionSide ?? '')}`.trim();
    const why = read === undefined || Array.isArray(read) ? '' : ` (its force orders could not be read: ${read.error})`;
    return { closure: 'unconfirmed', message: `${name} closed while critical: check whether it was liquidated${why}` };
  }
  // A liquidation may be filled as several force orders: their total and average price.
  const qty = orders.reduce((sum, o) => sum + o.qty, 0);
  const price = orders.reduce((sum, o) => sum + o.price * o.qty, 0) / qty;
  // The order closing a long sells; the one closing a short buys.
  const side = orders[0]!.side === 'SELL' ? 'LONG' : 'SHORT';
  const liquidated = orders.some((o) => o.type === 'LIQUIDATION');
  const what = liquidated ? 'LIQUIDATED' : 'auto-deleveraged';
  return {
    closure: liquidated ? 'liquidation' : 'adl',
    message: `${symbol} ${side} ${what}: ${formatAmount(qty)} at ${formatPrice(price)}`,
  };
}
