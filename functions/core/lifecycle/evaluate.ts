import type { AccountRisk, AdlQuantile, RiskOutcome } from '../account-risk.js';
import { type AlertState, alertKey, type Finding } from '../alert.js';
import type { Position, SourceId } from '../position.js';
import { judgeApproach } from '../rules/approach.js';
import type { TierState } from '../rules/hold-down.js';
import { evaluateLeverageCap } from '../rules/leverage-cap.js';
import { type Judged, judgeLiqDistance } from '../rules/liq-distance.js';
import { evaluateNewHedgeLeg, type LegBook, legBook } from '../rules/new-hedge-leg.js';
import { evaluateNotionalCap } from '../rules/notional-cap.js';
import { recordDistances } from '../rules/pace.js';
import type { RiskHealth } from '../rules/risk-down.js';
import type { RuleSettings } from '../rules/settings.js';
import { evaluateSourceDown, type SourceHealth } from '../rules/source-down.js';
import type { AccountState, DistanceSample } from './account-state.js';
import { readBooks, rekeyAlerts } from './books.js';
import { evaluateRisks } from './evaluate-risks.js';

/** One source's result this cycle, as the rules need it (never holding a secret). */
export type SourceOutcome =
  | { source: SourceId; ok: true; positions: readonly Position[] }
  | { source: SourceId; ok: false; error: NonNullable<SourceHealth['lastError']> };

export interface EvaluateInput {
  account: string;
  /** Its legs, health, alerts and distances are read: rules with hysteresis hold a tier that was firing. */
  prev: Pick<AccountState, 'legs' | 'health' | 'alerts' | 'distances' | 'riskHealth'>;
  /** One per watched source (the config lists a source once). */
  outcomes: readonly SourceOutcome[];
  /** One per watched source whose account numbers were read (margin, ADL quantiles); absent: none were. */
  risks?: readonly RiskOutcome[] | undefined;
  settings: RuleSettings;
  nowMs: number;
}

/** What is true of one account now, before anyone is told anything. */
export interface Evaluation {
  /** Every alert that should be firing now, in rule order. */
  findings: Finding[];
  legs: Partial<Record<SourceId, LegBook>>;
  health: Partial<Record<SourceId, SourceHealth>>;
  /** How each source's account read fared, beside `health`: a failing one does not blind the position rules. */
  riskHealth: Partial<Record<SourceId, RiskHealth>>;
  /** The sources in this cycle's config; the alerts of any other source are forgotten. */
  watched: ReadonlySet<SourceId>;
  /**
   * The books that were read, under the source their alerts are keyed by, with the legs they hold: only
   * their alerts can resolve. `usdm` and `usdm-ws` of one account are one book (`books.ts`).
   */
  answered: Partial<Record<SourceId, readonly Position[]>>;
  /** The account numbers read, under the source their alerts are keyed by: only their alerts can end. */
  answeredRisk: Partial<Record<SourceId, readonly AccountRisk[]>>;
  /** The ADL quantiles read, per book. */
  answeredAdl: Partial<Record<SourceId, readonly AdlQuantile[]>>;
  /** Last cycle's alerts under this cycle's keys: what the transition moves on from. */
  prior: Record<string, AlertState>;
  /** Per finding key, the hold-down and ladder rung of the rules that keep them (all but the events and outages). */
  tiers: Record<string, TierState>;
  /** Each open leg's last few distances, this cycle's included. */
  distances: Record<string, DistanceSample[]>;
}

/**
 * Step 1 of the alert lifecycle: each source's health and legs updated, and every rule run once on each
 * book that was read (and `source-down` on the health of all sources); then the account rules on the
 * account reads (`evaluate-risks.ts`). Pure: `prev` is not changed.
 */
export function evaluateCycle(input: EvaluateInput): Evaluation {
  const { account, prev, settings, nowMs } = input;
  // A source taken out of the config is forgotten, with its alerts: it is no longer watched, not recovered.
  const watched = new Set(input.outcomes.map((o) => o.source));
  const legs = pick(prev.legs, watched);
  const health = pick(prev.health, watched);
  const prior = rekeyAlerts(prev.alerts, watched);
  const answered: Evaluation['answered'] = {};
  const findings: Finding[] = [];
  const tiers: Evaluation['tiers'] = {};
  const readings = readBooks(input.outcomes, watched);
  const distances = recordDistances(prev.distances, readings, watched, nowMs);
  const ctx = { nowMs, distances };
  const judged = (list: Judged[]) =>
    list.map(({ finding, tier }) => {
      tiers[alertKey(finding)] = tier;
      return finding;
    });

  for (const outcome of input.outcomes) {
    health[outcome.source] = nextHealth(health[outcome.source], outcome, nowMs);
    if (outcome.ok) legs[outcome.source] = legBook(outcome.positions);
  }
  for (const { book, positions } of readings) {
    answered[book] = positions;
    findings.push(
      ...judged(judgeLiqDistance(positions, prior, settings, ctx)),
      ...judged(judgeApproach(positions, prior, settings, ctx)),
      ...evaluateLeverageCap(positions, settings),
      ...evaluateNotionalCap(positions, prior, settings),
      ...evaluateNewHedgeLeg(account, book, positions, prev.legs[book], settings),
    );
    // The book's legs as judged, also when another of its sources stood in: the next cycle compares with them.
    legs[book] = legBook(positions);
  }
  findings.push(...evaluateSourceDown(account, health, settings));
  const { risks } = input;
  const risk = evaluateRisks({
    account,
    risks,
    prevRiskHealth: prev.riskHealth,
    health,
    readings,
    watched,
    prior,
    settings,
    nowMs,
  });
  findings.push(...judged(risk.judged), ...risk.findings);
  const { riskHealth, answeredRisk, answeredAdl } = risk;
  return { findings, legs, health, riskHealth, watched, answered, answeredRisk, answeredAdl, prior, tiers, distances };
}

/** A success clears the failure count; a failure adds to it and keeps what was last known. */
function nextHealth(before: SourceHealth | undefined, outcome: SourceOutcome, nowMs: number): SourceHealth {
  if (outcome.ok) {
    return {
      failures: 0,
      lastCheckAt: nowMs,
      lastOkAt: nowMs,
      lastError: null,
      openPositions: outcome.positions.filter((p) => p.positionAmt !== 0).length,
    };
  }
  return {
    failures: (before?.failures ?? 0) + 1,
    lastCheckAt: nowMs,
    lastOkAt: before?.lastOkAt ?? null,
    lastError: outcome.error,
    openPositions: before?.openPositions ?? 0,
  };
}

function pick<T>(bySource: Partial<Record<SourceId, T>>, keep: ReadonlySet<SourceId>): Partial<Record<SourceId, T>> {
  return Object.fromEntries(Object.entries(bySource).filter(([s]) => keep.has(s as SourceId))) as Partial<
    Record<SourceId, T>
  >;
}
