import type { Severity } from '#core/alert.js';
import { type Alerter, DEFAULT_TIERS, type Message, type Tiers, tierOf } from './alerters.js';
import type { Poll, ReplayRecord } from './harness.js';

/*
 * Scoring what a trader heard about a leg against what the polls saw. Everything is judged from the polls
 * (the distances the check read) and the messages, the same way for every alerter:
 *
 * - critical cycles: polls where the leg was critical (at or below the critical line); missed: those after
 *   which the last thing the trader heard was not "critical" (no critical alert firing or told);
 * - flaps: the trader told a tier ended (resolved, or eased below it) and then told it again (firing,
 *   escalated) within `flapMinutes`;
 * - transitions, the news the data holds: an incident (polls within a threshold, gaps shorter than
 *   `flapMinutes` bridged) starting; a critical episode (bridged the same way) starting within it; a deeper
 *   rung reached within a critical episode; an episode ending while the incident stays in warning for
 *   `flapMinutes` more (easing); the incident ending (clear for `flapMinutes`) or the leg being liquidated.
 *   Events of one poll count once. news = messages that are not timed repeats;
 * - missing resolves: an incident that clearly ended (the leg more than `clearMarginPct` above the warning
 *   line for `clearMinutes`) while the trader was still told it fires; and a liquidation after which it
 *   still fires one cycle later. Resolve latency: from the incident's last poll within a threshold to the
 *   message saying it ended;
 * - deepening: each poll that crossed a rung downward (or opened below it) should have the trader told a
 *   depth at or below that rung by the next cycle, since the last time an ease or resolve reset it;
 * - liquidations told as such: a message saying "liquidated" at the first poll that saw the leg flat, or
 *   the next.
 */

export interface ScoreSettings extends Tiers {
  rungs: readonly number[];
  flapMinutes: number;
  clearMarginPct: number;
  clearMinutes: number;
}

export const DEFAULT_SCORING: ScoreSettings = {
  ...DEFAULT_TIERS,
  rungs: [5, 3, 2, 1, 0],
  flapMinutes: 30,
  clearMarginPct: 1,
  clearMinutes: 60,
};

/** What is counted per leg; every count adds up over legs and replays. */
const COUNTS = [
  'criticalCycles',
  'missedCritical',
  'flaps',
  /** Of the flaps, those that eased below critical and escalated again. */
  'easeFlaps',
  'transitions',
  'news',
  'messages',
  /** Incidents that clearly ended (the denominator of missing resolves, with liquidations). */
  'endedIncidents',
  'missingResolves',
  'rungCrossings',
  'rungsTold',
  'liquidations',
  'liquidationsTold',
] as const;

type Count = (typeof COUNTS)[number];

export type Score = Record<Count, number> & {
  /** Minutes from the end of the danger to the message saying so, per incident that clearly ended. */
  resolveLatencies: number[];
};

const MIN = 60_000;

/** Every count, each from `f`. */
function eachCount(f: (count: Count) => number): Record<Count, number> {
  return Object.fromEntries(COUNTS.map((c) => [c, f(c)])) as Record<Count, number>;
}

export function emptyScore(): Score {
  return { ...eachCount(() => 0), resolveLatencies: [] };
}

export function addScores(a: Score, b: Score): Score {
  return { ...eachCount((c) => a[c] + b[c]), resolveLatencies: [...a.resolveLatencies, ...b.resolveLatencies] };
}

/** One alerter on one leg of a replay. */
export function scoreLeg(
  record: ReplayRecord,
  leg: number,
  alerter: Alerter,
  s: ScoreSettings = DEFAULT_SCORING,
): Score {
  const { polls } = record;
  const messages = alerter.messages(leg, polls, record.told);
  const heard = hearing(polls.length, messages);
  const distance = (k: number) => polls[k]?.legs[leg]?.distance ?? null;
  const score = emptyScore();
  score.messages = messages.length;
  score.news = messages.filter((m) => !m.repeat).length;
  if (alerter.resolves) Object.assign(score, flapsOf(messages, s.flapMinutes));

  for (let k = 0; k < polls.length; k++) {
    const d = distance(k);
    if (d === null) continue;
    if (tierOf(d, s) === 'critical') {
      score.criticalCycles++;
      if (heard[k]!.severity !== 'critical') score.missedCritical++;
    }
    const before = distance(k - 1) ?? Number.POSITIVE_INFINITY;
    for (const rung of s.rungs) {
      if (!(d <= rung && rung < before)) continue;
      score.rungCrossings++;
      if (Math.min(heard[k]!.depth, heard[k + 1]?.depth ?? Number.POSITIVE_INFINITY) <= rung) score.rungsTold++;
    }
  }

  const liquidatedAt = record.liquidatedAtPoll[leg] ?? null;
  if (liquidatedAt !== null) {
    score.liquidations = 1;
    if (messages.some((m) => m.liquidated && m.poll >= liquidatedAt && m.poll <= liquidatedAt + 1)) {
      score.liquidationsTold = 1;
    }
    const after = Math.min(liquidatedAt + 1, polls.length - 1);
    if (heard[after]!.severity !== null) score.missingResolves++;
  }

  const incidents = incidentsOf(polls, leg, s);
  score.transitions = incidents.reduce((n, i) => n + i.transitions, 0) + (liquidatedAt !== null ? 1 : 0);
  for (const incident of incidents) {
    const clear = clearlyEnded(polls, leg, incident.lastPoll, s);
    if (clear === null) continue;
    score.endedIncidents++;
    if (heard[clear]!.severity !== null) score.missingResolves++;
    const end = messages.find((m) => m.severity === null && m.poll > incident.lastPoll && m.poll <= clear);
    if (end) score.resolveLatencies.push((end.at - polls[incident.lastPoll]!.at) / MIN);
  }
  return score;
}

/**
 * liqwatch's `approach` alerts about the leg (a warning when the distance shrinks fast): how many were told,
 * and how many fired again within `flapMinutes` of resolving.
 */
export function scoreApproach(
  record: ReplayRecord,
  leg: number,
  s: Pick<ScoreSettings, 'flapMinutes'> = DEFAULT_SCORING,
): { messages: number; flaps: number } {
  const told = record.told.filter((t) => t.leg === leg && t.rule === 'approach');
  let flaps = 0;
  let resolvedAt: number | null = null;
  for (const t of told) {
    if (t.kind === 'firing' && resolvedAt !== null && t.at - resolvedAt < s.flapMinutes * MIN) flaps++;
    if (t.kind === 'resolved') resolvedAt = t.at;
  }
  return { messages: told.length, flaps };
}

/** After each poll: the severity the trader was last told, and the deepest distance told since a reset. */
function hearing(count: number, messages: readonly Message[]): { severity: Severity | null; depth: number }[] {
  const out: { severity: Severity | null; depth: number }[] = [];
  let severity: Severity | null = null;
  let depth = Number.POSITIVE_INFINITY;
  let m = 0;
  for (let k = 0; k < count; k++) {
    for (; m < messages.length && messages[m]!.poll === k; m++) {
      const msg = messages[m]!;
      severity = msg.severity;
      if (msg.liquidated) depth = Number.NEGATIVE_INFINITY;
      else if (msg.severity === null || msg.eased) depth = msg.depth ?? Number.POSITIVE_INFINITY;
      else depth = Math.min(depth, msg.depth ?? Number.POSITIVE_INFINITY);
    }
    out.push({ severity, depth });
  }
  return out;
}

/** A tier told over (resolved, or eased below critical) and told again within `minutes`. */
function flapsOf(messages: readonly Message[], minutes: number): { flaps: number; easeFlaps: number } {
  let flaps = 0;
  let easeFlaps = 0;
  let resolvedAt: number | null = null;
  let easedAt: number | null = null;
  for (const m of messages) {
    if (m.severity === null) resolvedAt = m.at;
    if (m.eased) easedAt = m.at;
    const again = (at: number | null) => at !== null && m.at - at < minutes * MIN;
    if (m.kind === 'firing' && again(resolvedAt)) flaps++;
    if (m.kind === 'escalated' && again(easedAt)) easeFlaps++;
  }
  return { flaps: flaps + easeFlaps, easeFlaps };
}

interface Incident {
  firstPoll: number;
  lastPoll: number;
  transitions: number;
}

/** The leg's incidents by the data, each with the news it holds (see the header). */
function incidentsOf(polls: readonly Poll[], leg: number, s: ScoreSettings): Incident[] {
  const tierAt = (k: number) => {
    const d = polls[k]!.legs[leg]!.distance;
    return d === null ? null : tierOf(d, s);
  };
  const inTier = polls.map((_, k) => k).filter((k) => tierAt(k) !== null);
  const groups = bridge(polls, inTier, s.flapMinutes);
  return groups.map((ks) => {
    const events = new Set<number>([ks[0]!]);
    const critical = bridge(
      polls,
      ks.filter((k) => tierAt(k) === 'critical'),
      s.flapMinutes,
    );
    for (const episode of critical) {
      events.add(episode[0]!);
      let deepest = Number.POSITIVE_INFINITY;
      for (const k of episode) {
        const d = polls[k]!.legs[leg]!.distance!;
        const rung = Math.min(...s.rungs.filter((r) => d <= r));
        if (rung < deepest) {
          if (deepest !== Number.POSITIVE_INFINITY || k !== episode[0]) events.add(k);
          deepest = rung;
        }
      }
      const last = polls[episode.at(-1)!]!.at;
      // Easing: the incident stays within the warning line for a while after its last critical poll.
      if (polls[ks.at(-1)!]!.at - last >= s.flapMinutes * MIN) events.add(-episode.at(-1)! - 1);
    }
    const lastPoll = ks.at(-1)!;
    // The end: clear for the bridging time, the leg still open (a liquidation is counted on its own).
    let ended = false;
    for (let k = lastPoll + 1; k < polls.length && polls[k]!.legs[leg]!.distance !== null; k++) {
      if (polls[k]!.at - polls[lastPoll]!.at >= s.flapMinutes * MIN) {
        ended = true;
        break;
      }
    }
    return { firstPoll: ks[0]!, lastPoll, transitions: events.size + (ended ? 1 : 0) };
  });
}

/** Polls grouped where consecutive ones are at most `minutes` apart. */
function bridge(polls: readonly Poll[], ks: readonly number[], minutes: number): number[][] {
  const groups: number[][] = [];
  for (const k of ks) {
    const group = groups.at(-1);
    const prev = group?.at(-1);
    if (group && prev !== undefined && polls[k]!.at - polls[prev]!.at <= minutes * MIN) group.push(k);
    else groups.push([k]);
  }
  return groups;
}

/**
 * The poll by which the incident ending after `lastPoll` had clearly ended: the leg open and more than the
 * clear margin above the warning line for `clearMinutes`, before any new danger; `null` if it never did.
 */
function clearlyEnded(polls: readonly Poll[], leg: number, lastPoll: number, s: ScoreSettings): number | null {
  let since: number | null = null;
  for (let k = lastPoll + 1; k < polls.length; k++) {
    const d = polls[k]!.legs[leg]!.distance;
    if (d === null) return null;
    if (d <= s.warningPct) return null;
    if (d <= s.warningPct + s.clearMarginPct) {
      since = null;
      continue;
    }
    since ??= polls[k]!.at;
    if (polls[k]!.at - since >= s.clearMinutes * MIN) return k;
  }
  return null;
}
