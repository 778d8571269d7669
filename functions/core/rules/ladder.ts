import { type AlertState, alertKey, type Finding, type RuleId, type Severity } from '../alert.js';
import { roundPct } from '../position.js';
import { type HoldInput, holdTier, type TierState } from './hold-down.js';
import type { Judged } from './liq-distance.js';

/*
 * Ladders inside a critical tier, in each rule's own terms. `liq-distance` (% from liquidation) and
 * `uni-mmr` fall toward liquidation, so a smaller rung is deeper; `margin-ratio` (%) and
 * `account-status` (the status's rank) climb toward it, so a larger rung is deeper. The lifecycle keeps
 * the deepest rung told as the rule says it, so a `deepened` notice and `/alerts` read it as it is.
 */

const CLIMBING: ReadonlySet<RuleId> = new Set<RuleId>(['margin-ratio', 'account-status']);

/** Whether a rule's readings climb toward liquidation (a larger number is worse). */
export function climbs(rule: RuleId): boolean {
  return CLIMBING.has(rule);
}

/** Whether `rung` is deeper than `than` on the rule's ladder. */
export function isDeeperRung(rule: RuleId, rung: number, than: number): boolean {
  return climbs(rule) ? rung > than : rung < than;
}

/** The deeper of two rungs. */
export function deeperRung(rule: RuleId, a: number, b: number): number {
  return isDeeperRung(rule, a, b) ? a : b;
}

/** The deepest rung a reading has reached on a ladder listed deepest last, or `null` before the first. */
export function rungReached(rule: RuleId, reading: number, ladder: readonly number[]): number | null {
  const r = roundPct(reading);
  return ladder.filter((rung) => (climbs(rule) ? r >= roundPct(rung) : r <= roundPct(rung))).at(-1) ?? null;
}

/** A reading judged against a warning and a critical line, with a margin of hysteresis and a hold-down. */
export interface LevelInput extends Pick<HoldInput, 'before' | 'holdMs' | 'nowMs'> {
  rule: RuleId;
  reading: number;
  warning: number;
  critical: number;
  /** How far back across a line the reading must be before that tier may end. */
  margin: number;
  /** Rungs inside the critical tier, deepest last. */
  ladder: readonly number[];
}

/**
 * The tier of an account-wide reading (a margin ratio, a uniMMR): at or past a line it is in that
 * tier, like a distance at a `liq-distance` line; a tier that fired holds until the reading is back
 * across its line by `margin` and has stayed there `holdMs` (`hold-down.ts`). While critical, the
 * deepest rung reached.
 */
export function levelTier(input: LevelInput): { severity: Severity | null; tier: TierState } {
  const { rule, reading, margin } = input;
  const r = roundPct(reading);
  const up = climbs(rule);
  const past = (line: number) => (up ? r >= roundPct(line) : r <= roundPct(line));
  const line = (tier: 'warning' | 'critical') => (tier === 'critical' ? input.critical : input.warning);
  const entered: Severity | null = past(input.critical) ? 'critical' : past(input.warning) ? 'warning' : null;
  const clearOf = (tier: 'warning' | 'critical') =>
    up ? r < roundPct(line(tier) - margin) : r > roundPct(line(tier) + margin);
  const { before, holdMs, nowMs } = input;
  const { severity, hold } = holdTier({ entered, clearOf, before, holdMs, nowMs });
  return { severity, tier: { hold, rung: severity === 'critical' ? rungReached(rule, reading, input.ladder) : null } };
}

/** One reading of a level rule (`margin-ratio`, `uni-mmr`), with what its finding says when it fires. */
export interface LevelReading extends Omit<LevelInput, 'rule' | 'before'> {
  base: Pick<Finding, 'rule' | 'account' | 'source' | 'symbol' | 'positionSide'>;
  prev: Readonly<Record<string, AlertState>>;
  value: number | null;
  message: string;
}

/** A level rule's judgement of one reading (`levelTier`): the finding, its line as `threshold`, or `null`. */
export function judgeLevel(j: LevelReading): Judged | null {
  const { base, prev, value, message } = j;
  const { severity, tier } = levelTier({ ...j, rule: base.rule, before: prev[alertKey(base)] });
  if (severity === null) return null;
  const threshold = severity === 'critical' ? j.critical : j.warning;
  return { finding: { ...base, severity, value, threshold, message }, tier };
}
