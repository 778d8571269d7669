import type { SourceId } from '../position.js';

/*
 * How the checks fare, as a reader is told it: "all is well" only when every source answered and nothing
 * fires, otherwise what fails and what fires. A digest, a terminal line or a start-up line that says all is
 * well while every source is down reads as success when it is not.
 */

/** What a verdict is drawn from: per account, how each source fared and how many alerts fire. */
export interface AccountStanding {
  account: string;
  sources: readonly { source: SourceId; failing: boolean; openPositions: number }[];
  firing: number;
}

/** The sum of the standings: open legs, alerts firing, and each account's failing sources (`main: usdm, coinm`). */
export function sumStanding(accounts: readonly AccountStanding[]): { open: number; firing: number; failing: string[] } {
  let open = 0;
  let firing = 0;
  const failing: string[] = [];
  for (const a of accounts) {
    for (const s of a.sources) open += s.openPositions;
    firing += a.firing;
    const down = a.sources.filter((s) => s.failing).map((s) => s.source);
    if (down.length) failing.push(`${a.account}: ${down.join(', ')}`);
  }
  return { open, firing, failing };
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The verdict in a sentence: `all is well` or `needs attention: 1 alert firing; failing: main: usdm, coinm`.
 * A source not yet checked is neither well nor failing: with none checked, it says so.
 */
export function verdictText(accounts: readonly AccountStanding[]): string {
  const { firing, failing } = sumStanding(accounts);
  if (accounts.every((a) => a.sources.length === 0)) return 'not checked yet';
  if (firing === 0 && failing.length === 0) return 'all is well';
  const parts = [
    ...(firing ? [`${count(firing, 'alert')} firing`] : []),
    ...(failing.length ? [`failing: ${failing.join('; ')}`] : []),
  ];
  return `needs attention: ${parts.join('; ')}`;
}

/** How one source of one account fared in a cycle, as the check reports it. */
export interface SourceOutcomeLine {
  source: SourceId;
  ok: boolean;
  error?: string | undefined;
}

/**
 * A cycle's failures, one line per cause and account: the sources of an account that failed for the same
 * reason (its keys could not be read, say) share one line naming them, rather than repeat it per source.
 */
export function failureLines(
  accounts: readonly { account: string; sources: readonly SourceOutcomeLine[] }[],
): string[] {
  const lines: string[] = [];
  for (const a of accounts) {
    const byCause = new Map<string, SourceId[]>();
    for (const s of a.sources) {
      if (s.ok) continue;
      const cause = s.error ?? `${a.account} ${s.source}: failed`;
      byCause.set(cause, [...(byCause.get(cause) ?? []), s.source]);
    }
    for (const [cause, sources] of byCause) {
      lines.push(sources.length > 1 ? `${cause} (nothing read on ${sources.join(', ')})` : cause);
    }
  }
  return lines;
}

/** Whether a cycle read nothing at all: no source of any account answered. */
export function nothingRead(accounts: readonly { sources: readonly { ok: boolean }[] }[]): boolean {
  return accounts.every((a) => a.sources.every((s) => !s.ok));
}

/**
 * What a first check read, for a start-up line: `all 3 sources read`, `1 of 3 sources read; failing: main:
 * coinm, pm-um`, or that nothing could be read.
 */
export function firstCheckText(
  accounts: readonly { account: string; sources: readonly SourceOutcomeLine[] }[],
): string {
  if (nothingRead(accounts)) return 'nothing could be read: every source of every account failed';
  const { failing } = sumStanding(
    accounts.map((a) => ({
      account: a.account,
      sources: a.sources.map((s) => ({ source: s.source, failing: !s.ok, openPositions: 0 })),
      firing: 0,
    })),
  );
  const all = accounts.reduce((n, a) => n + a.sources.length, 0);
  const read = accounts.reduce((n, a) => n + a.sources.filter((s) => s.ok).length, 0);
  return read === all
    ? `all ${count(all, 'source')} read`
    : `${read} of ${count(all, 'source')} read; failing: ${failing.join('; ')}`;
}
