import type { SourceOutcome } from '#core/alerts.js';
import { type RiskAnswer, type RiskReading, riskReadingOf } from '#core/format/risk-view.js';
import type { Position, SourceId } from '#core/position.js';
import { type ReadDeps, readAccounts } from './read-accounts.js';

/** Narrows a live read to an account, a source or a symbol, told apart by what the config holds. */
export type PositionScope = { account: string } | { source: SourceId } | { symbol: string } | null;

/** What a live look at the accounts found: `/positions` and `liqwatch positions` show it. */
export interface LiveView {
  positions: Position[];
  /** The position reads that failed, a line each. */
  failures: string[];
  /** Per account, its margin numbers book by book, or why a book has none; empty when they were not asked for. */
  accounts: RiskReading[];
  /**
   * The account reads that failed, a line each, where the same source's positions did not fail for the
   * same reason (then its failure says it): a refused key is one line, not two.
   */
  riskFailures: string[];
  /** Whether any position read answered: without one, nothing shown could be told from "no positions". */
  anyRead: boolean;
}

/** One account's answers as a live view reads them; a failure needs only its message. */
export interface LiveAnswers {
  account: string;
  outcomes: readonly (SourceOutcome | { source: SourceId; ok: false; error: { message: string } })[];
  risks: readonly RiskAnswer[];
}

/**
 * Reads the positions of the configured accounts now, narrowed by `scope`, and with `risks: 'numbers'`
 * each account's margin numbers beside them (for each source read, once per book); failures come back as
 * lines.
 */
export async function readPositions(
  deps: ReadDeps,
  scope: PositionScope,
  opts: { risks?: 'numbers' | 'none' } = {},
): Promise<LiveView> {
  const accounts =
    scope && 'account' in scope ? deps.config.accounts.filter((a) => a.name === scope.account) : deps.config.accounts;
  const only = scope && 'source' in scope ? scope.source : null;
  const reads = await readAccounts(deps, accounts, {
    sources: only ? (s) => s === only : undefined,
    risks: opts.risks ?? 'none',
  });
  const view = liveView(reads.map((r) => ({ account: r.account.name, outcomes: r.outcomes, risks: r.risks })));
  // A symbol is filtered here: asking every source for it would make those that do not list it fail (-1121).
  return scope && 'symbol' in scope
    ? { ...view, positions: view.positions.filter((p) => p.symbol === scope.symbol) }
    : view;
}

/** What the answers of each account show: its positions, its numbers book by book, and what failed. */
export function liveView(reads: readonly LiveAnswers[]): LiveView {
  return {
    positions: reads.flatMap((r) => r.outcomes.flatMap((o) => (o.ok ? o.positions : []))),
    failures: [...new Set(reads.flatMap((r) => r.outcomes.flatMap(failureOf)))],
    accounts: reads
      .filter((r) => r.risks.length > 0)
      .map((r) => riskReadingOf(r.account, [...new Set([...r.outcomes, ...r.risks].map((o) => o.source))], r.risks)),
    riskFailures: [...new Set(reads.flatMap(riskFailuresOf))],
    anyRead: reads.some((r) => r.outcomes.some((o) => o.ok)),
  };
}

type Answer = LiveAnswers['outcomes'][number] | RiskAnswer;

const failureOf = (o: Answer): string[] => (o.ok ? [] : [o.error.message]);

/** The account reads that failed, but for those whose source's positions failed for the same reason. */
function riskFailuresOf(r: LiveAnswers): string[] {
  return r.risks.flatMap((a) => {
    const positions = r.outcomes.find((o) => o.source === a.source);
    return a.ok || (positions && sameReason(a, positions)) ? [] : failureOf(a);
  });
}

/** Both reads failed for one reason: their messages differ only in the endpoint they name. */
function sameReason(a: Answer, b: Answer): boolean {
  return !a.ok && !b.ok && reasonOf(a.error.message) === reasonOf(b.error.message);
}

/** `main usdm GET /fapi/v2/account: HTTP 503 …` → `HTTP 503 …` (an account, a source and an endpoint hold no `: `). */
function reasonOf(message: string): string {
  const at = message.indexOf(': ');
  return at < 0 ? message : message.slice(at + 2);
}
