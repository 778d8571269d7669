import { alertKey } from '../alert.js';
import type { DistanceSample } from '../lifecycle/account-state.js';
import type { BookReading } from '../lifecycle/books.js';
import { isOpen, liqDistancePct, type Position, type SourceId } from '../position.js';

/** How far back a leg's distances are kept: the pace is about the last minutes, not the hour. */
const KEEP_MS = 10 * 60_000;
/** At most this many per leg, so the state item stays small. */
const MAX_SAMPLES = 24;
/**
 * Samples closer together than this are thinned (a watcher judging every second, a check polling every
 * 20 s): the newest is always kept, the one before it only if it is this far from the one before that,
 * so that the samples kept still span about the ten minutes.
 */
const SPACING_MS = 30_000;
/** The pace a message tells is measured over this much of the recent past. */
const PACE_MS = 5 * 60_000;
const MIN = 60_000;

/** How a leg's distance to liquidation moved over the last minutes: `change` points in `minutes`. */
export interface Pace {
  change: number;
  minutes: number;
  perMinute: number;
}

/** The open legs that have a distance to liquidation (a liquidation price), with it. */
export function legDistances(positions: readonly Position[]): { p: Position; distance: number }[] {
  return positions.flatMap((p) => {
    const distance = isOpen(p) ? liqDistancePct(p) : null;
    return distance === null ? [] : [{ p, distance }];
  });
}

/** The key a leg's distances are kept under: its `liq-distance` alert's. */
export function distanceKey(p: Pick<Position, 'account' | 'source' | 'symbol' | 'positionSide'>): string {
  return alertKey({ ...p, rule: 'liq-distance' });
}

/**
 * Each open leg's distance of this cycle added to its last few, for the books that were read. A leg
 * of a book that was read and is no longer open is forgotten; a book that was not read keeps its
 * samples (an outage is not a change), unless its source is no longer watched. Pure.
 */
export function recordDistances(
  before: Readonly<Record<string, readonly DistanceSample[]>> | undefined,
  readings: readonly BookReading[],
  watched: ReadonlySet<SourceId>,
  nowMs: number,
): Record<string, DistanceSample[]> {
  const read = new Set(readings.map((r) => r.book));
  const next: Record<string, DistanceSample[]> = {};
  for (const [key, samples] of Object.entries(before ?? {})) {
    const source = key.split('|')[1] as SourceId;
    if (watched.has(source) && !read.has(source)) next[key] = [...samples];
  }
  for (const { positions } of readings) {
    for (const { p, distance } of legDistances(positions)) {
      const key = distanceKey(p);
      const kept = (before?.[key] ?? []).filter((s) => s.at > nowMs - KEEP_MS && s.at < nowMs);
      const samples = [...kept, { at: nowMs, pct: distance }];
      const n = samples.length;
      if (n >= 3 && nowMs - samples[n - 3]!.at < SPACING_MS) samples.splice(n - 2, 1);
      next[key] = samples.slice(-MAX_SAMPLES);
    }
  }
  return next;
}

/** The change over the last five minutes, from the oldest sample in them to the newest; `null` under a minute. */
export function paceOf(samples: readonly DistanceSample[] | undefined, nowMs: number): Pace | null {
  const recent = (samples ?? []).filter((s) => s.at >= nowMs - PACE_MS);
  return paceBetween(recent);
}

/**
 * How far a leg's distance swung over the samples kept (the last ten minutes): its highest less its
 * lowest, in points; 0 with fewer than two. A range, not a sum of steps, so it does not grow with the
 * polling rate. Both ways count: a market that just leapt three points can fall three as fast.
 */
export function swingOf(samples: readonly DistanceSample[] | undefined): number {
  const pcts = (samples ?? []).map((s) => s.pct);
  return pcts.length < 2 ? 0 : Math.max(...pcts) - Math.min(...pcts);
}

/**
 * The trailing run of samples each nearer liquidation than the one before by at least `minPerMinute`
 * points a minute, as a pace: `null` unless it holds at least three samples spanning two minutes. One
 * sample that drops (a one-minute wick), or one drop followed by a drift, is no run.
 */
export function sustainedShrink(samples: readonly DistanceSample[] | undefined, minPerMinute: number): Pace | null {
  const all = samples ?? [];
  const fast = (a: DistanceSample, b: DistanceSample) => a.pct - b.pct >= (minPerMinute * (b.at - a.at)) / MIN;
  let start = all.length - 1;
  while (start > 0 && fast(all[start - 1]!, all[start]!)) start--;
  const run = all.slice(start);
  const pace = run.length >= 3 ? paceBetween(run) : null;
  return pace && pace.minutes >= 2 ? pace : null;
}

/**
 * The pace in words, for a leg getting nearer liquidation: "−4.2 points in 3 min; at this pace
 * liquidation in ~6 min". Empty when the distance is not shrinking.
 */
export function describePace(pace: Pace | null, distance: number): string {
  if (pace === null || pace.change > -0.1) return '';
  const moved = `−${Math.abs(pace.change).toFixed(1)} points in ${Math.round(pace.minutes)} min`;
  if (distance <= 0) return moved;
  return `${moved}; at this pace liquidation in ${inMinutes(distance / -pace.perMinute)}`;
}

/** `~6 min`, `under a minute`, `~2 h`. */
export function inMinutes(minutes: number): string {
  if (minutes < 1) return 'under a minute';
  if (minutes < 90) return `~${Math.round(minutes)} min`;
  return `~${Math.round(minutes / 60)} h`;
}

function paceBetween(samples: readonly DistanceSample[]): Pace | null {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || last.at - first.at < MIN) return null;
  const minutes = (last.at - first.at) / MIN;
  const change = last.pct - first.pct;
  return { change, minutes, perMinute: change / minutes };
}
