import type { SourceId } from '#core/position.js';
import type { Candle, MarketDay } from './market-data.js';

/*
 * Legs placed on a real price path. A liquidation price is fixed when a leg opens, so the path alone
 * decides how close it comes: each leg's liquidation price is chosen from the window's candles so that it
 * goes deep and is liquidated, dips into the critical tier and recovers (by the price, or by the trader
 * adding margin), or hovers on one line (the warning and critical thresholds and each rung of the
 * ladder). Long and short; one-way accounts and hedge-mode accounts; every book (USDⓈ-M over REST or the
 * WebSocket API, COIN-M, Portfolio Margin UM and CM). The same market's price stands for each contract.
 */

export type Direction = 'long' | 'short';

/** What a leg is placed to do. */
export type LegRole =
  /**
   * The longest fall of the path: opens at a close and is liquidated by the worst price of a later minute
   * (its liquidation price sits just inside that price).
   */
  | { kind: 'deep' }
  /** As `deep`, but the exchange's liquidation engine lags one poll: a poll sees it past its liquidation price. */
  | { kind: 'deep-late' }
  /** Dips to 2.5 % from liquidation at the window's extreme close and recovers; no low passes its price. */
  | { kind: 'dip' }
  /**
   * Dips to 2.5 % at the worst close of the window's first quarter; five minutes later the trader adds
   * margin and its liquidation price moves 25 % away: a recovery any day allows, calm ones included.
   */
  | { kind: 'rescued' }
  /** `linePct` away from the price the closes crossed most often: it hovers on that line as often. */
  | { kind: 'hover'; linePct: number };

export interface LegPlan {
  /** Unique in its replay, e.g. `hover 7.5 short`. */
  name: string;
  role: LegRole;
  base: string;
  source: SourceId;
  symbol: string;
  /** As the exchange lists it: `BOTH` in one-way mode. */
  positionSide: 'BOTH' | 'LONG' | 'SHORT';
  direction: Direction;
  liquidationPrice: number;
  /** Minute of the window (0-based) at whose close the leg opens. */
  openMinute: number;
  /** From the close of `minute` on, the leg has this liquidation price (margin was added). */
  rescue: { minute: number; liquidationPrice: number } | null;
  /** Signed amount: base units on USDⓈ-M, contracts on COIN-M. */
  amount: number;
}

export interface ReplayPlan {
  /** The account name, e.g. `replay-2025-02-02`. */
  account: string;
  title: string;
  files: string[];
  hedgeMode: boolean;
  /** No candle of the window spans 1 % or more (the calm days' widest are 0.3–0.6 %, the violent ones' 2–6 %). */
  calm: boolean;
  sources: SourceId[];
  /** The window's candles, per base asset; every market has the same minutes. */
  markets: Record<string, Candle[]>;
  legs: LegPlan[];
}

/** The lines legs hover on: the warning and critical thresholds and the ladder's rungs. */
export const HOVER_LINES = [15, 7.5, 5, 3, 2, 1] as const;
/** Deepest distance, in %, a `dip` leg's close reaches. */
const DIP_PCT = 2.5;

/**
 * One replay per window of time: files with the same minutes (BTC and ETH of one day) share an account.
 * An account with one market is in hedge mode (a LONG and a SHORT leg per contract), one with several in
 * one-way mode (a leg per contract), so that each has a slot for every leg; the USDⓈ-M book is read over
 * REST and over the WebSocket API in turn.
 */
export function planReplays(days: readonly MarketDay[], opts: { windowMinutes?: number } = {}): ReplayPlan[] {
  const groups = new Map<string, MarketDay[]>();
  for (const day of days) {
    const first = day.candles[0]!.at;
    const key = `${first}-${day.candles.length}`;
    groups.set(key, [...(groups.get(key) ?? []), day]);
  }
  return [...groups.values()].map((group, i) => planReplay(group, i, opts.windowMinutes));
}

function planReplay(group: MarketDay[], index: number, windowMinutes: number | undefined): ReplayPlan {
  const [start, end] = busiestWindow(group, windowMinutes);
  const markets = Object.fromEntries(group.map((d) => [d.base, d.candles.slice(start, end)]));
  const hedgeMode = group.length === 1;
  const sources: SourceId[] = [index % 2 === 0 ? 'usdm' : 'usdm-ws', 'coinm', 'pm-um', 'pm-cm'];
  const first = group[0]!.candles[start]!.at;
  const day = new Date(first).toISOString().slice(0, 10);
  const minutes = end - start;
  const calm = Object.values(markets).every((candles) => candles.every((c) => spread(c) < 0.01));
  return {
    account: `replay-${day}`,
    title: `${group.map((d) => d.base).join('+')} from ${new Date(first).toISOString().slice(0, 16)}Z, ${minutes} min, ${hedgeMode ? 'hedge' : 'one-way'}, ${calm ? 'calm' : 'violent'}`,
    files: group.map((d) => d.file),
    hedgeMode,
    calm,
    sources,
    markets,
    legs: placeLegs(markets, sources, hedgeMode, index % 2 === 0 ? 'long' : 'short'),
  };
}

/**
 * The window of `minutes` (whole file when absent) centred on the most violent minute of its markets (the
 * widest candle, in % of its open), so that a crash comes with what led to it and its rebound.
 */
function busiestWindow(group: MarketDay[], minutes: number | undefined): [number, number] {
  const length = Math.min(...group.map((d) => d.candles.length));
  if (minutes === undefined || minutes >= length) return [0, length];
  const width = (i: number) => Math.max(...group.map((d) => spread(d.candles[i]!)));
  let centre = 0;
  for (let i = 1; i < length; i++) if (width(i) > width(centre)) centre = i;
  const start = Math.min(Math.max(centre - Math.floor(minutes / 2), 0), length - minutes);
  return [start, start + minutes];
}

function spread(c: Candle): number {
  return (c.high - c.low) / c.open;
}

/** The roles of one replay; `first` is the direction of the first hover leg and of the late-engine leg. */
function roles(first: Direction): { role: LegRole; direction: Direction }[] {
  const other: Direction = first === 'long' ? 'short' : 'long';
  return [
    { role: { kind: 'deep' }, direction: 'long' },
    { role: { kind: 'deep' }, direction: 'short' },
    { role: { kind: 'deep-late' }, direction: first },
    { role: { kind: 'dip' }, direction: 'long' },
    { role: { kind: 'dip' }, direction: 'short' },
    { role: { kind: 'rescued' }, direction: other },
    ...HOVER_LINES.map((linePct, i) => ({
      role: { kind: 'hover', linePct } as const,
      direction: i % 2 === 0 ? first : other,
    })),
  ];
}

interface Slot {
  base: string;
  source: SourceId;
  symbol: string;
  /** `null`: one-way, either direction. */
  direction: Direction | null;
}

/** Contracts per book: two USDⓈ-M perpetuals (USDT, USDC) on the USDⓈ-M books, the perpetual on COIN-M ones. */
function slotsFor(base: string, sources: readonly SourceId[], hedgeMode: boolean): Slot[] {
  const symbolsOf = (source: SourceId) =>
    source === 'coinm' || source === 'pm-cm' ? [`${base}USD_PERP`] : [`${base}USDT`, `${base}USDC`];
  // Each book's first contract, then each book's second: consecutive legs land on different sources.
  const contracts = [0, 1].flatMap((n) =>
    sources.flatMap((source) =>
      symbolsOf(source)
        .slice(n, n + 1)
        .map((symbol) => ({ base, source, symbol })),
    ),
  );
  if (!hedgeMode) return contracts.map((c) => ({ ...c, direction: null }));
  return contracts.flatMap((c) => [
    { ...c, direction: 'long' as const },
    { ...c, direction: 'short' as const },
  ]);
}

function placeLegs(
  markets: Record<string, Candle[]>,
  sources: readonly SourceId[],
  hedgeMode: boolean,
  first: Direction,
): LegPlan[] {
  const bases = Object.keys(markets);
  const free = new Map(bases.map((b) => [b, slotsFor(b, sources, hedgeMode)]));
  const legs: LegPlan[] = [];
  roles(first).forEach(({ role, direction }, i) => {
    const base = bases[i % bases.length]!;
    const slots = free.get(base)!;
    const at = slots.findIndex((s) => s.direction === null || s.direction === direction);
    if (at < 0) throw new Error(`no free ${direction} slot for ${base} in this account`);
    const [slot] = slots.splice(at, 1) as [Slot];
    const placed = place(markets[base]!, role, direction);
    if (!placed) return;
    const coin = slot.source === 'coinm' || slot.source === 'pm-cm';
    const size = coin ? 10 : roundTo(1000 / placed.openPrice, 3);
    const label = role.kind === 'hover' ? `hover ${role.linePct}` : role.kind;
    legs.push({
      name: `${label} ${direction}${bases.length > 1 ? ` ${base}` : ''}`,
      role,
      base,
      source: slot.source,
      symbol: slot.symbol,
      positionSide: hedgeMode ? (direction === 'long' ? 'LONG' : 'SHORT') : 'BOTH',
      direction,
      liquidationPrice: placed.liquidationPrice,
      openMinute: placed.openMinute,
      rescue: placed.rescue,
      amount: direction === 'long' ? size : -size,
    });
  });
  return legs;
}

/** Where a leg's liquidation price goes and when it opens; `null` when the path leaves it no room. */
function place(
  candles: readonly Candle[],
  role: LegRole,
  direction: Direction,
): (Pick<LegPlan, 'liquidationPrice' | 'openMinute' | 'rescue'> & { openPrice: number }) | null {
  const n = candles.length;
  const long = direction === 'long';
  const close = (i: number) => candles[i]!.close;
  // The price that hurts the leg most within a minute, and the best of a range for it.
  const adverse = (c: Candle) => (long ? c.low : c.high);
  const worse = (a: number, b: number) => (long ? a < b : a > b);
  const extremeIn = (from: number, to: number, price: (i: number) => number) => {
    let best = from;
    for (let i = from; i < to; i++) if (worse(price(i), price(best))) best = i;
    return best;
  };
  const safestBetween = (from: number, to: number) => {
    let best = from;
    for (let i = from; i < to; i++) if (worse(close(best), close(i))) best = i;
    return best;
  };
  let liq: number;
  let open: number;
  let rescue: LegPlan['rescue'] = null;
  if (role.kind === 'deep' || role.kind === 'deep-late') {
    // The longest fall of the path: from a close to the worst price of a later minute (in the last two
    // thirds), with its liquidation price just inside that worst price, so that minute liquidates it.
    let best = { distance: Number.NEGATIVE_INFINITY, liq: 0, open: 0 };
    for (let bottom = Math.floor(n / 3); bottom < n; bottom++) {
      const at = adverse(candles[bottom]!) * (long ? 1.0001 : 0.9999);
      for (let i = bottom - 1; i >= 0 && distancePct(direction, adverse(candles[i]!), at) > 0; i--) {
        const distance = distancePct(direction, close(i), at);
        if (distance > best.distance) best = { distance, liq: at, open: i };
      }
    }
    liq = best.liq;
    open = best.open;
  } else if (role.kind === 'dip') {
    const bottom = extremeIn(Math.floor(n / 4), Math.floor((3 * n) / 4), close);
    open = safestBetween(0, bottom);
    const worst = Math.min(...candles.slice(open + 1).map((c) => (long ? c.low : -c.high)));
    const dip = close(bottom) * (long ? 1 - DIP_PCT / 100 : 1 + DIP_PCT / 100);
    // No wick may reach it: a dip leg recovers, it is never liquidated.
    liq = long ? Math.min(dip, worst * 0.998) : Math.max(dip, -worst * 1.002);
  } else if (role.kind === 'rescued') {
    const bottom = extremeIn(5, Math.floor(n / 4), close);
    open = safestBetween(0, bottom);
    const minute = Math.min(bottom + 5, n - 1);
    const worst = Math.min(...candles.slice(open + 1, minute + 1).map((c) => (long ? c.low : -c.high)));
    const dip = close(bottom) * (long ? 1 - DIP_PCT / 100 : 1 + DIP_PCT / 100);
    liq = long ? Math.min(dip, worst * 0.998) : Math.max(dip, -worst * 1.002);
    const away = close(minute) * (long ? 0.75 : 1.25);
    rescue = { minute, liquidationPrice: roundTo(away, 6) };
  } else {
    // The price the path crossed most often: the leg's line sits there, so it is crossed as often.
    const level = mostCrossed(candles.map((c) => c.close));
    liq = level * (long ? 1 - role.linePct / 100 : 1 + role.linePct / 100);
    // It opens on the safe side of its line, as a trader would open it.
    const above = candles.findIndex((c) => distancePct(direction, c.close, liq) > role.linePct);
    open = above >= 0 ? above : safestBetween(0, n);
  }
  liq = roundTo(liq, 6);
  if (open >= n - 1 || !(distancePct(direction, close(open), liq) > 0)) return null;
  return { liquidationPrice: liq, openMinute: open, openPrice: close(open), rescue };
}

/** Of a hundred levels spread over the closes' range, the one that consecutive closes cross most often. */
function mostCrossed(closes: readonly number[]): number {
  const low = Math.min(...closes);
  const high = Math.max(...closes);
  let best = { level: closes[0]!, crossings: -1 };
  for (let step = 1; step < 100; step++) {
    const level = low + ((high - low) * step) / 100;
    let crossings = 0;
    for (let i = 1; i < closes.length; i++) if ((closes[i - 1]! - level) * (closes[i]! - level) < 0) crossings++;
    if (crossings > best.crossings) best = { level, crossings };
  }
  return best.level;
}

/**
 * Distance of the mark to the liquidation price in % of the mark, on the side the leg loses (negative
 * past it), rounded to a billionth of a point as the check rounds it (README, "Rules": `liq-distance`).
 */
export function distancePct(direction: Direction, mark: number, liquidationPrice: number): number {
  const gap = direction === 'long' ? mark - liquidationPrice : liquidationPrice - mark;
  return Math.round((gap / mark) * 100 * 1e9) / 1e9;
}

function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
