import type { Severity } from '#core/alert.js';
import type { LegReading, Poll, Told } from './harness.js';

/**
 * What a trader hears about one leg, whoever sends it: liqwatch's notifications, or a reference alerter's
 * messages computed from the same polls. `severity` is what the message says the leg is now (`null` once it
 * says the danger ended); `depth` the distance it names.
 */
export interface Message {
  poll: number;
  at: number;
  kind: string;
  severity: Severity | null;
  depth: number | null;
  /** A timed reminder of news already told (liqwatch's `repeat`). */
  repeat: boolean;
  /** It says the leg was liquidated. */
  liquidated: boolean;
  /** It says the tier went down (liqwatch's `eased`): what was told of the depth no longer holds. */
  eased: boolean;
}

export interface Alerter {
  name: string;
  /** Does it ever say the danger ended (resolve or ease)? Without, "flaps" and resolve latency mean nothing. */
  resolves: boolean;
  messages(leg: number, polls: readonly Poll[], told: readonly Told[]): Message[];
}

export interface Tiers {
  warningPct: number;
  criticalPct: number;
}

export const DEFAULT_TIERS: Tiers = { warningPct: 15, criticalPct: 7.5 };

/** The tier a distance is in, with no hysteresis (a distance at a line is in its tier). */
export function tierOf(distance: number, t: Tiers = DEFAULT_TIERS): Severity | null {
  if (distance <= t.criticalPct) return 'critical';
  if (distance <= t.warningPct) return 'warning';
  return null;
}

/** liqwatch, as the check told it: its `liq-distance` notifications about the leg. */
export const liqwatch: Alerter = {
  name: 'liqwatch',
  resolves: true,
  messages: (leg, _polls, told) =>
    told
      .filter((t) => t.leg === leg && t.rule === 'liq-distance')
      .map((t) => {
        const ends = t.kind === 'resolved' || t.kind === 'liquidated';
        return {
          poll: t.poll,
          at: t.at,
          kind: t.kind,
          severity: ends ? null : t.severity,
          depth: t.kind === 'liquidated' ? Number.NEGATIVE_INFINITY : ends ? null : t.value,
          repeat: t.kind === 'repeat',
          liquidated: t.kind === 'liquidated',
          eased: t.kind === 'eased',
        };
      }),
};

/** A message every poll while the leg is within a threshold, at that tier; never a resolve. */
export const naive: Alerter = {
  name: 'naive',
  resolves: false,
  messages: (leg, polls) =>
    readingsOf(leg, polls).flatMap(({ poll, at, r }) => {
      const tier = r.distance === null ? null : tierOf(r.distance);
      return tier === null ? [] : [plain(poll, at, tier, r.distance)];
    }),
};

/**
 * Like freqtrade's single liquidation warning: one threshold (the warning line), no tiers, no resolve,
 * and a cooldown between messages about a leg.
 */
export function freqtradeLike(opts: { thresholdPct: number; cooldownMinutes: number }): Alerter {
  return {
    name: 'freqtrade-like',
    resolves: false,
    messages: (leg, polls) => {
      const out: Message[] = [];
      for (const { poll, at, r } of readingsOf(leg, polls)) {
        if (r.distance === null || r.distance > opts.thresholdPct) continue;
        const last = out.at(-1);
        if (last && at - last.at < opts.cooldownMinutes * 60_000) continue;
        out.push(plain(poll, at, 'warning', r.distance));
      }
      return out;
    },
  };
}

function readingsOf(leg: number, polls: readonly Poll[]): { poll: number; at: number; r: LegReading }[] {
  return polls.map((p, poll) => ({ poll, at: p.at, r: p.legs[leg]! }));
}

function plain(poll: number, at: number, severity: Severity, depth: number | null): Message {
  return { poll, at, kind: 'alert', severity, depth, repeat: false, liquidated: false, eased: false };
}
