import type { AccountRisk, AdlQuantile, RiskOutcome } from '../account-risk.js';
import type { AlertState, Finding } from '../alert.js';
import type { SourceId } from '../position.js';
import { judgeAccountStatus } from '../rules/account-status.js';
import { judgeAdlRisk } from '../rules/adl-risk.js';
import type { Judged } from '../rules/liq-distance.js';
import { judgeMarginRatio } from '../rules/margin-ratio.js';
import { evaluateRiskDown, nextRiskHealth, type RiskHealth } from '../rules/risk-down.js';
import type { RuleSettings } from '../rules/settings.js';
import type { SourceHealth } from '../rules/source-down.js';
import { judgeUniMmr } from '../rules/uni-mmr.js';
import type { BookReading } from './books.js';
import { readRiskBooks } from './risk-books.js';

export interface RiskInput {
  account: string;
  /** One per watched source whose account numbers were read this cycle; absent: none were. */
  risks: readonly RiskOutcome[] | undefined;
  prevRiskHealth: Partial<Record<SourceId, RiskHealth>> | undefined;
  /** The position reads' health this cycle: `keys-refused` speaks for a refused source. */
  health: Partial<Record<SourceId, SourceHealth>>;
  /** This cycle's books of positions: ADL quantiles are judged against them. */
  readings: readonly BookReading[];
  watched: ReadonlySet<SourceId>;
  prior: Readonly<Record<string, AlertState>>;
  settings: RuleSettings;
  nowMs: number;
}

export interface RiskEvaluation {
  judged: Judged[];
  /** `risk-down`. */
  findings: Finding[];
  riskHealth: Partial<Record<SourceId, RiskHealth>>;
  answeredRisk: Partial<Record<SourceId, readonly AccountRisk[]>>;
  answeredAdl: Partial<Record<SourceId, readonly AdlQuantile[]>>;
}

/**
 * The account rules of one cycle: each read source's health, then `margin-ratio`, `uni-mmr` and
 * `account-status` on the account numbers that were read, `adl-risk` on the books whose positions and
 * quantiles were both read, and `risk-down` on the health. The account read and the position read are
 * judged apart: either failing leaves the other's rules running. Pure.
 */
export function evaluateRisks(input: RiskInput): RiskEvaluation {
  const { account, prior, settings, nowMs, watched } = input;
  const riskHealth: Partial<Record<SourceId, RiskHealth>> = {};
  for (const [source, h] of Object.entries(input.prevRiskHealth ?? {}) as [SourceId, RiskHealth][]) {
    if (watched.has(source)) riskHealth[source] = h;
  }
  const outcomes = (input.risks ?? []).filter((o) => watched.has(o.source));
  for (const o of outcomes) riskHealth[o.source] = nextRiskHealth(riskHealth[o.source], o, nowMs);
  const books = readRiskBooks(outcomes, watched);
  const judged: Judged[] = [];
  for (const risks of Object.values(books.risks)) {
    judged.push(
      ...judgeMarginRatio(risks, prior, settings, nowMs),
      ...judgeUniMmr(risks, prior, settings, nowMs),
      ...judgeAccountStatus(risks, prior, settings, nowMs),
    );
  }
  for (const { book, positions } of input.readings) {
    const adl = books.adl[book];
    if (adl !== undefined) judged.push(...judgeAdlRisk(positions, adl, prior, settings, nowMs));
  }
  return {
    judged,
    findings: evaluateRiskDown(account, riskHealth, input.health, settings),
    riskHealth,
    answeredRisk: books.risks,
    answeredAdl: books.adl,
  };
}
