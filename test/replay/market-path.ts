import type { SimPosition } from '#local/exchange-simulator/index.js';
import type { Candle } from './market-data.js';
import { distancePct, type LegPlan, type ReplayPlan } from './scenario.js';

/*
 * The exchange's side of a replayed minute: when the check polls, the mark price each poll sees, and which
 * legs the exchange liquidates on the way.
 *
 * One poll a minute at the candle's close (the default schedule). Where the minute's low or high reached a
 * line (a threshold, a rung, or for a leg whose liquidation engine lags, the liquidation price) that neither
 * the poll before nor the close reached, an extra poll lands on that wick first, 20 s into the minute (and
 * 40 s for a second one): low before high when the candle closed up, high first when it closed down.
 *
 * The exchange liquidates a leg at the point of the minute where its worst price (the low for a long, the
 * high for a short) passes its liquidation price; a late-engine leg only after a poll has seen it past that
 * price. A rescued leg's liquidation price moves (the trader added margin) at the close of its minute.
 */

export type PollPoint = 'low' | 'high' | 'close';

/** Lines a wick can cross unseen: the thresholds and the ladder (README, "Rules"). */
const WICK_LINES = [15, 7.5, 5, 3, 2, 1];

/** Where a leg stands on the exchange. */
export interface LegLive {
  opened: boolean;
  liquidated: boolean;
  /** A late-engine leg seen past its liquidation price: the exchange closes it before the next poll. */
  duePastLiquidation: boolean;
}

/** The order a minute's extremes came in, by the usual reading of a candle. */
export function pathOf(c: Candle): PollPoint[] {
  return c.close >= c.open ? ['low', 'high'] : ['high', 'low'];
}

/**
 * The polls of this minute, in order: the wicks worth a poll, then the close. A wick is worth one when, for
 * an open leg, it reached a line that neither the last poll (`before`, per leg) nor this close reached. A
 * leg's liquidation price counts only for a late-engine leg: the others are closed at that price, which the
 * close then shows.
 */
export function pollsOf(
  plan: ReplayPlan,
  live: readonly LegLive[],
  minute: number,
  before: readonly (number | null)[],
): PollPoint[] {
  const wanted = new Set<PollPoint>();
  plan.legs.forEach((leg, i) => {
    if (!live[i]!.opened || live[i]!.liquidated) return;
    const c = candleOf(plan, leg, minute);
    const worst = worstOf(leg);
    const atClose = distanceAt(leg, minute, 'close', c.close);
    const atWick = distanceAt(leg, minute, worst, c[worst]);
    const seen = Math.min(before[i] ?? Number.POSITIVE_INFINITY, atClose);
    const lines = leg.role.kind === 'deep-late' ? [...WICK_LINES, 0] : WICK_LINES;
    if (lines.some((line) => atWick <= line && line < seen)) wanted.add(worst);
  });
  return [...pathOf(firstCandle(plan, minute)).filter((p) => wanted.has(p)), 'close'];
}

/** The open legs the exchange's engine has closed by this poll of the minute. */
export function liquidatedBy(plan: ReplayPlan, live: readonly LegLive[], minute: number, point: PollPoint): number[] {
  const path = pathOf(firstCandle(plan, minute));
  return plan.legs.flatMap((leg, i) => {
    const l = live[i]!;
    if (!l.opened || l.liquidated) return [];
    if (leg.role.kind === 'deep-late') return l.duePastLiquidation ? [i] : [];
    const worst = worstOf(leg);
    const reached = point === 'close' || path.indexOf(worst) <= path.indexOf(point);
    return reached && distanceAt(leg, minute, point, candleOf(plan, leg, minute)[worst]) <= 0 ? [i] : [];
  });
}

/** A leg's liquidation price at a poll: the trader's rescue moves it from the close of its minute on. */
export function liquidationPriceOf(leg: LegPlan, minute: number, point: PollPoint): number {
  const { rescue } = leg;
  const rescued = rescue && (minute > rescue.minute || (minute === rescue.minute && point === 'close'));
  return rescued ? rescue.liquidationPrice : leg.liquidationPrice;
}

/** The leg's distance to liquidation at a poll, at this mark. */
export function distanceAt(leg: LegPlan, minute: number, point: PollPoint, mark: number): number {
  return distancePct(leg.direction, mark, liquidationPriceOf(leg, minute, point));
}

/** The mark price a poll sees for a leg's market. */
export function markOf(plan: ReplayPlan, leg: LegPlan, minute: number, point: PollPoint): number {
  return candleOf(plan, leg, minute)[point];
}

/** A source's legs as the exchange lists them at a poll: flat until they open and after a liquidation. */
export function simLegsOf(
  plan: ReplayPlan,
  live: readonly LegLive[],
  source: LegPlan['source'],
  minute: number,
  point: PollPoint,
): SimPosition[] {
  return plan.legs.flatMap((leg, i): SimPosition[] => {
    if (leg.source !== source) return [];
    const open = live[i]!.opened && !live[i]!.liquidated;
    return [
      {
        symbol: leg.symbol,
        ...(plan.hedgeMode ? { positionSide: leg.positionSide } : {}),
        positionAmt: open ? leg.amount : 0,
        entryPrice: open ? plan.markets[leg.base]![leg.openMinute]!.close : 0,
        markPrice: markOf(plan, leg, minute, point),
        liquidationPrice: open ? liquidationPriceOf(leg, minute, point) : 0,
        leverage: 10,
      },
    ];
  });
}

export function firstCandle(plan: ReplayPlan, minute: number): Candle {
  return Object.values(plan.markets)[0]![minute]!;
}

function candleOf(plan: ReplayPlan, leg: LegPlan, minute: number): Candle {
  return plan.markets[leg.base]![minute]!;
}

function worstOf(leg: LegPlan): 'low' | 'high' {
  return leg.direction === 'long' ? 'low' : 'high';
}
